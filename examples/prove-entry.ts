// A ledger proves one of its entries; the proof is then checked with nothing but the ledger key:
// the node is closed and its data directory deleted first.
//
//   npm run build && node dist/examples/prove-entry.js
//
// Prints (keys and hashes differ per run):
//   ledger 3f1c…: 4 entries, all final
//   proof of entry 2: 515 bytes
//   node closed, data directory deleted
//   entry 2 checks: put color = "blue", accepted, signed by 3f1c… (1 of 1 indexers)
//   one byte changed: PROOF_INVALID
import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import { LedgerNode, verifyEntryProof, LedgerError } from '../lib/index.js'

const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-example-'))
const node = new LedgerNode({ storage: dir }) // no network: one node, its own indexer
await node.ready()
await node.submit({ type: 'put', key: 'size', value: 'large' })
await node.submit({ type: 'put', key: 'color', value: 'blue' })
await node.submit({ type: 'del', key: 'size' })
await node.waitUntil(async () => (node.finalLength === 4 ? true : null), 10_000)
const ledgerKey = node.key
console.log(`ledger ${short(ledgerKey)}: ${node.length} entries, all final`)

const proof = await node.proveEntry(2)
console.log(`proof of entry 2: ${proof.byteLength} bytes`)
await node.close()
await fs.rm(dir, { recursive: true })
console.log('node closed, data directory deleted')

const checked = verifyEntryProof(ledgerKey, proof)
const tx = checked.entry.tx
console.log(
  `entry ${checked.position} checks: ${tx?.type} ${tx?.type === 'put' ? `${tx.key} = ${JSON.stringify(tx.value)}` : ''}, ${checked.entry.outcome}, signed by ${checked.signedBy.map(short).join(', ')} (${checked.signedBy.length} of ${checked.indexers.length} indexers)`
)

const altered = Buffer.from(proof)
altered[altered.length - 40] ^= 1
try {
  verifyEntryProof(ledgerKey, altered)
  console.log('one byte changed: accepted (a bug)')
} catch (err) {
  console.log(`one byte changed: ${(err as LedgerError).code}`)
}

function short(key: Uint8Array | string): string {
  return (typeof key === 'string' ? key : Buffer.from(key).toString('hex')).slice(0, 4) + '…'
}
