import test from 'brittle'
import b4a from 'b4a'
import { keys, values, decodeValue } from '../lib/ledger/layout.js'
import { openEntry } from '../lib/ledger/entry.js'
import { reasonOf } from '../lib/ledger/outcome.js'
import type { TxInput } from '../lib/node/tx-input.js'
import { generateWorkload, setupTransactions, workloadSlices } from '../bench/harness/workload.js'
import { directLedger, encodeInputs } from '../bench/harness/direct-apply.js'
import { tmpdir } from './helpers/temp.js'

// The bench's workload through apply, in fixed blocks and fixed apply calls, must give the ledger
// pinned below: the same entries (head hash, log tree hash) and the same state view bytes (state
// tree hash). A change to the apply path that claims to keep outcomes and views identical (a
// cache, fewer allocations, another read order) must leave these alone; one that changes them is a
// format change and needs a new format version.

const PINNED = {
  length: 612,
  head: 'b74a90a07b926fee96104ac180d22052d5b7bf36ca21d4a9e9c0be84182dbadb',
  logTree: '29656641cddfb3de07c60fb367fa43577eb341c9e94e978653b53814f7194609',
  stateTree: '26f2333f2b5d5f748680eaf1df2309f7d96c692abdf1a3ca23cf0073690bf246',
  stateBlocks: 1866
}

function workload(): Uint8Array[] {
  const config = { accounts: 4, seed: 1, timeOrderedIds: true }
  const inputs: TxInput[] = [
    { type: 'set-version', format: 2 },
    ...setupTransactions([], config.accounts, 1),
    ...generateWorkload(workloadSlices(config, 1, 600)[0]),
    { type: 'transfer', from: 'acct-0000', to: 'acct-0001', amount: 10n ** 18n }
  ]
  const txs = encodeInputs(inputs)
  // Rejections are pinned too: a transfer of more than the account holds (above), an id used
  // again, and bytes too short to hold a transaction.
  txs.push(txs[txs.length - 2], b4a.from([1, 2, 3]))
  return txs
}

test('pinned ledger: the bench workload through apply gives the pinned entries and state bytes', async (t) => {
  const ledger = await directLedger(await tmpdir(t, 'pinned'))
  t.teardown(() => ledger.close())
  await ledger.apply(workload(), 10, 7)
  const { view } = ledger
  const meta = decodeValue(values.meta, (await view.state.get(keys.meta()))!.value!)
  const found = {
    length: meta.length,
    head: b4a.toString(meta.head, 'hex'),
    logTree: b4a.toString(await view.log.treeHash(), 'hex'),
    stateTree: b4a.toString(await view.state.core.treeHash(), 'hex'),
    stateBlocks: view.state.core.length
  }
  t.alike(found, PINNED)
  const last: unknown[] = []
  for (let seq = meta.length - 3; seq < meta.length; seq++)
    last.push(reasonOf(openEntry((await view.log.get(seq))!).outcome))
  t.alike(last, ['INSUFFICIENT_FUNDS', 'DUPLICATE_ID', 'BAD_ENCODING'], 'the rejections it pins')
})
