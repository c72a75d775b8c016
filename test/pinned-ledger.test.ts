import test from 'brittle'
import b4a from 'b4a'
import Corestore from 'corestore'
import type Autobase from 'autobase'
import { createApply } from '../lib/ledger/apply.js'
import { openView, closeView } from '../lib/ledger/view.js'
import { encodeBlock } from '../lib/ledger/block.js'
import { encodeTx } from '../lib/ledger/tx.js'
import { openEntry } from '../lib/ledger/entry.js'
import { reasonOf } from '../lib/ledger/outcome.js'
import { keys, values, decodeValue } from '../lib/ledger/layout.js'
import { ENCODING_VERSION, FORMAT_VERSION } from '../lib/ledger/limits.js'
import { toTx } from '../lib/node/tx-input.js'
import type { TxInput } from '../lib/node/tx-input.js'
import { generateWorkload, setupTransactions, workloadSlices } from '../bench/harness/workload.js'
import { tmpdir } from './helpers/temp.js'

// The bench's workload through apply, in fixed blocks and fixed apply calls, must give the ledger
// pinned below: the same entries (head hash, log tree hash) and the same state view bytes (state
// tree hash). A change to the apply path that claims to keep outcomes and views identical (a
// cache, fewer allocations, another read order) must leave these alone; one that changes them is a
// format change and needs a new format version.

const AUTHOR = Buffer.alloc(32, 7)
const TXS_PER_BLOCK = 10
const BLOCKS_PER_CALL = 7

const PINNED = {
  length: 612,
  head: '9ce7ca7b265e68aabaa3c182808590710379c229ab68932329f6b9dd67c998b7',
  logTree: 'd4d9939cfa7aee94220237374aade9ed42f49b0b247b2d16d56584262fa6c91f',
  stateTree: '22d6cc95280a60a846b75047609093b07eb808cbbcd86e531d980e61cc4b9e23',
  stateBlocks: 1866
}

function workload(): Uint8Array[] {
  const config = { accounts: 4, seed: 1, timeOrderedIds: true }
  const inputs: TxInput[] = [
    { type: 'set-version', format: FORMAT_VERSION },
    ...setupTransactions([], config.accounts, 1),
    ...generateWorkload(workloadSlices(config, 1, 600)[0])
  ]
  const txs = inputs.map((input, i) =>
    encodeTx(toTx({ id: fixedId(i), timestamp: 1_700_000_000_000 + i, ...input }, ENCODING_VERSION))
  )
  // Rejections are pinned too: an id used again, a transfer of more than the account holds, and
  // bytes too short to hold one.
  const overdraw = {
    type: 'transfer',
    id: fixedId(inputs.length),
    timestamp: 1_800_000_000_000,
    from: 'acct-0000',
    to: 'acct-0001',
    amount: 10n ** 18n
  }
  txs.push(txs[txs.length - 1], encodeTx(toTx(overdraw as TxInput, ENCODING_VERSION)))
  txs.push(b4a.from([1, 2, 3]))
  return txs
}

/** The setup transactions carry no id of their own: give them one from their index. */
function fixedId(i: number): Uint8Array {
  const id = Buffer.alloc(16)
  id.writeUInt32BE(i, 12)
  return id
}

test('pinned ledger: the bench workload through apply gives the pinned entries and state bytes', async (t) => {
  const store = new Corestore(await tmpdir(t, 'pinned'))
  t.teardown(() => store.close())
  // Autobase hands apply a store whose get(name) opens a named view core; so does this one.
  const view = openView({ get: (name: string) => store.get({ name }) } as unknown as Corestore)
  await view.state.ready()
  const host: Autobase.Host = {
    addWriter: async () => {},
    removeWriter: async () => {},
    removeable: () => true,
    interrupt: (reason) => t.fail(`interrupted: ${reason}`)
  }
  const apply = createApply()
  const txs = workload()
  const blocks: Autobase.ApplyNode[] = []
  for (let i = 0; i < txs.length; i += TXS_PER_BLOCK) {
    blocks.push({
      from: { key: AUTHOR },
      length: blocks.length + 1,
      value: b4a.from(encodeBlock(txs.slice(i, i + TXS_PER_BLOCK))) as Buffer
    })
  }
  for (let i = 0; i < blocks.length; i += BLOCKS_PER_CALL)
    await apply(blocks.slice(i, i + BLOCKS_PER_CALL), view, host)

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
  t.alike(last, ['DUPLICATE_ID', 'INSUFFICIENT_FUNDS', 'BAD_ENCODING'], 'the rejections it pins')
  await closeView(view)
})
