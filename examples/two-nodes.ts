// Two ledger nodes over hyperswarm on a private loopback DHT: one creates a private ledger and an
// invite, the other joins by the invite's code (no key copied: alice's node adds bob as a writer and
// hands over the ledger's encryption key), both write, and both end with the same final head.
//
//   npm run build && node dist/examples/two-nodes.js
//
// Prints (keys and hashes differ per run):
//   alice created private ledger 3f1c…
//   alice's invite: ybndrf…, single use, expires 2026-12-02T19:30:00.000Z
//   bob joined by the invite as a writer; writer key 9a0e…
//   transfer alice -> bob: accepted
//   transfer bob -> carol: rejected (ACCOUNT_NOT_FOUND)
//   both final at length 6, head 5b2d…: same ledger
//   alice 90, bob 10; greeting = {"from":"bob"}
import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import createTestnet from 'hyperdht/testnet.js'
import { LedgerNode, newEncryptionKey } from '../lib/index.js'

const testnet = await createTestnet(3, { host: '127.0.0.1' }) // a private DHT: nothing leaves loopback
const network = { bootstrap: testnet.bootstrap, host: '127.0.0.1' }
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-example-'))

const alice = new LedgerNode({
  storage: path.join(dir, 'alice'),
  network,
  encryptionKey: newEncryptionKey()
})
await alice.ready()
console.log('alice created private ledger', short(alice.key))

const invite = await alice.createInvite() // a writer, single use, for 24 h
console.log(
  `alice's invite: ${invite.code.slice(0, 6)}…, single use, expires ${new Date(invite.expires!).toISOString()}`
)

// The code is all bob gets, by whatever channel alice trusts.
const bob = await LedgerNode.join(invite.code, { storage: path.join(dir, 'bob'), network })
console.log('bob joined by the invite as a writer; writer key', short(bob.writerKey))

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
const length = 7 // the genesis entry, the invite, bob's add-writer and the four transactions
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
