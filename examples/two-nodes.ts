// Two ledger nodes over hyperswarm on a private loopback DHT: one creates the ledger, the other
// joins, the creator adds it as a writer, both write, and both end with the same final head.
//
//   npm run build && node dist/examples/two-nodes.js
//
// Prints (keys and hashes differ per run):
//   alice created ledger 3f1c…
//   bob joined; writer key 9a0e…
//   alice added bob as a writer
//   transfer alice -> bob: accepted
//   transfer bob -> carol: rejected (ACCOUNT_NOT_FOUND)
//   both final at length 6, head 5b2d…: same ledger
//   alice 90, bob 10; greeting = {"from":"bob"}
import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import createTestnet from 'hyperdht/testnet.js'
import { LedgerNode } from '../lib/index.js'

const testnet = await createTestnet(3, { host: '127.0.0.1' }) // a private DHT: nothing leaves loopback
const network = { bootstrap: testnet.bootstrap, host: '127.0.0.1' }
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-example-'))

const alice = new LedgerNode({ storage: path.join(dir, 'alice'), network })
await alice.ready()
console.log('alice created ledger', short(alice.key))

const bob = new LedgerNode({ storage: path.join(dir, 'bob'), key: alice.key, network })
await bob.ready()
console.log('bob joined; writer key', short(bob.writerKey))

await alice.submit({ type: 'add-writer', key: bob.writerKey })
await bob.waitUntil(async () => (bob.writable ? true : null))
console.log('alice added bob as a writer')

const aliceAccount = alice.writerKey.toString('hex')
const bobAccount = bob.writerKey.toString('hex')
await alice.submit({ type: 'mint', account: aliceAccount, amount: 100n })
const pay = await alice.submit({
  type: 'transfer',
  from: aliceAccount,
  to: bobAccount,
  amount: 10n,
  memo: 'lunch'
})
console.log('transfer alice -> bob:', (await alice.waitForTransaction(pay.id)).outcome)

const [, bad] = await bob.submit([
  { type: 'put', key: 'greeting', value: { from: 'bob' } },
  { type: 'transfer', from: bobAccount, to: 'carol', amount: 1n } // "carol" was never opened
])
const rejected = await bob.waitForTransaction(bad.id)
console.log(`transfer bob -> carol: ${rejected.outcome} (${rejected.reason})`)

// Wait until both hold the same final head: every entry signed by the indexers.
const length = 6
await Promise.all(
  [alice, bob].map((n) => n.waitUntil(async () => (n.finalLength >= length ? true : null)))
)
const [ha, hb] = await Promise.all([alice.head(), bob.head()])
console.log(
  `both final at length ${ha.final.length}, head ${ha.final.hash.slice(0, 4)}…: ${ha.final.hash === hb.final.hash ? 'same ledger' : 'DIFFERENT'}`
)
console.log(
  `alice ${(await bob.balance(aliceAccount)).balance}, bob ${(await alice.balance(bobAccount)).balance}; greeting = ${JSON.stringify((await alice.get('greeting'))?.value)}`
)

await bob.close()
await alice.close()
await testnet.destroy()
await fs.rm(dir, { recursive: true, force: true })

function short(key: Buffer): string {
  return key.toString('hex').slice(0, 4) + '…'
}
