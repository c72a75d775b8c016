import b4a from 'b4a'
import type Autobase from 'autobase'
import { LedgerNode } from '../../lib/index.js'
import type { LedgerNodeOptions } from '../../lib/index.js'
import type { LedgerView } from '../../lib/ledger/view.js'

type Apply = Autobase.Options<LedgerView>['apply']

/**
 * A node whose apply is not the release's: it applies every block that holds `marker` twice, as a
 * crash once made a node do (the same block recorded again, as a DUPLICATE_ID rejection). Its own
 * derivation of the ledger then differs from every other node's. Tests only.
 */
export class DoubleApplyNode extends LedgerNode {
  constructor(
    opts: LedgerNodeOptions,
    private readonly marker: string
  ) {
    super(opts)
  }

  protected createApply(): Apply {
    const apply = super.createApply()
    const marker = b4a.from(this.marker)
    return async (nodes, view, host) => {
      const again = nodes.filter((n) => n.value !== null && b4a.includes(n.value, marker))
      await apply(nodes.concat(again), view, host)
    }
  }
}

/** A node whose apply can be held: while held, autobase waits inside apply and nothing new is applied. Tests only. */
export class HeldApplyNode extends LedgerNode {
  private gate: Promise<void> = Promise.resolve()
  private open: () => void = () => {}

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.open = resolve
    })
  }

  release(): void {
    this.open()
  }

  protected createApply(): Apply {
    const apply = super.createApply()
    return async (nodes, view, host) => {
      await this.gate
      await apply(nodes, view, host)
    }
  }
}

/** A node whose apply also writes `key` into the state on every call: its state differs from every other node's, its entries do not. Tests only. */
export class ExtraStateNode extends LedgerNode {
  constructor(
    opts: LedgerNodeOptions,
    private readonly extraKey: string
  ) {
    super(opts)
  }

  protected createApply(): Apply {
    const apply = super.createApply()
    return async (nodes, view, host) => {
      await apply(nodes, view, host)
      const batch = view.state.batch()
      await batch.put(b4a.from(this.extraKey), b4a.from('extra'))
      await batch.flush()
    }
  }
}
