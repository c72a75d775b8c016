import b4a from 'b4a'
import Corestore from 'corestore'
import type Autobase from 'autobase'
import { createApply } from '../../lib/ledger/apply.js'
import { openView, closeView } from '../../lib/ledger/view.js'
import type { LedgerView } from '../../lib/ledger/view.js'
import { encodeBlock } from '../../lib/ledger/block.js'
import { encodeTx } from '../../lib/ledger/tx.js'
import { ENCODING_VERSION } from '../../lib/ledger/limits.js'
import { toTx } from '../../lib/node/tx-input.js'
import type { TxInput } from '../../lib/node/tx-input.js'

/** The one author of every block: a directly applied ledger has its creator only. */
export const DIRECT_AUTHOR = Buffer.alloc(32, 7)

export interface DirectLedger {
  view: LedgerView
  /** Feed the next transactions to apply: `txsPerBlock` per block, `blocksPerCall` blocks per call. */
  apply(txs: Uint8Array[], txsPerBlock: number, blocksPerCall: number): Promise<void>
  close(): Promise<void>
}

/**
 * The ledger's apply on plain cores of a store in `dir`, without autobase or a node around it:
 * the same views, built from the same blocks in the same calls, as a node would. Measures apply
 * alone, and pins its output in a test.
 */
export async function directLedger(dir: string): Promise<DirectLedger> {
  const store = new Corestore(dir)
  // Autobase hands apply a store whose get(name) opens a named view core; so does this one.
  const view = openView({ get: (name: string) => store.get({ name }) } as unknown as Corestore)
  await view.state.ready()
  const host: Autobase.Host = {
    addWriter: async () => {},
    removeWriter: async () => {},
    removeable: () => true,
    interrupt: (reason) => {
      throw new Error(`interrupted: ${reason}`)
    }
  }
  const apply = createApply()
  let length = 0
  return {
    view,
    async apply(txs, txsPerBlock, blocksPerCall) {
      const blocks: Autobase.ApplyNode[] = []
      for (let i = 0; i < txs.length; i += txsPerBlock) {
        const value = b4a.from(encodeBlock(txs.slice(i, i + txsPerBlock))) as Buffer
        blocks.push({ from: { key: DIRECT_AUTHOR }, length: ++length, value })
      }
      for (let i = 0; i < blocks.length; i += blocksPerCall)
        await apply(blocks.slice(i, i + blocksPerCall), view, host)
    },
    async close() {
      await closeView(view)
      await store.close()
    }
  }
}

/** Transactions as a node would encode them; inputs without an id get one from their index. */
export function encodeInputs(inputs: TxInput[]): Uint8Array[] {
  return inputs.map((input, i) => {
    const id = Buffer.alloc(16)
    id.writeUInt32BE(i, 12)
    return encodeTx(toTx({ id, timestamp: 1_700_000_000_000 + i, ...input }, ENCODING_VERSION))
  })
}
