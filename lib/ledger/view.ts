import Hyperbee from 'hyperbee'
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'

/**
 * The views autobase derives on every node: `log` holds one entry per transaction, in ledger order,
 * hash-chained; `state` is a hyperbee with the current records, balances, members and indexes.
 */
export interface LedgerView {
  log: Hypercore
  state: Hyperbee
}

export function openView(store: Corestore): LedgerView {
  return {
    log: store.get('log'),
    state: new Hyperbee(store.get('state'), {
      keyEncoding: 'binary',
      valueEncoding: 'binary',
      extension: false
    })
  }
}

export async function closeView(view: LedgerView): Promise<void> {
  await view.state.close()
  await view.log.close()
}
