import b4a from 'b4a'
import type Autobase from 'autobase'
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'

/**
 * How far behind the latest signed state (in autobase system blocks, tens of seconds of full load)
 * a live node must be before it fast-forwards. Autobase's own 16 made busy nodes fast-forward
 * every few seconds under load, each time pausing apply and then fetching what the jump skipped,
 * so that a busy node fell further behind.
 */
export const LIVE_FAST_FORWARD_MINIMUM = 1000
/** The same for a node far behind (new, or back from an outage longer than its history): autobase's own. */
export const CATCH_UP_FAST_FORWARD_MINIMUM = 16

/**
 * A node is far behind when the signed state is further ahead of it than all it has applied: then
 * a jump saves more than it costs. Both lengths are of the system core, the ones autobase compares
 * with the threshold; neither needs to know peers or time.
 */
export function fastForwardMinimum(applied: number, signed: number): number {
  return signed - applied > applied ? CATCH_UP_FAST_FORWARD_MINIMUM : LIVE_FAST_FORWARD_MINIMUM
}

/**
 * Keeps a base's fast-forward threshold (the per-base option of the patched autobase, see
 * .patches/) low while the node is far behind and high once it is live, re-evaluated whenever the
 * node applies, moves to another system core or learns a longer signed state.
 */
export class FastForwardPolicy {
  private minimum = LIVE_FAST_FORWARD_MINIMUM
  /** A session on the default state of the current system core: the state the indexers signed, which replication brings. */
  private signed: Hypercore | null = null
  private stopped = false
  private readonly onChange = (): void => this.evaluate()

  constructor(
    private readonly base: Autobase<unknown>,
    private readonly store: Corestore
  ) {}

  start(): void {
    // 'reboot': autobase moved to another system core (the indexer set changed) or fast-forwarded
    this.base.on('update', this.onChange)
    this.base.on('reboot', this.onChange)
    this.evaluate()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.base.off('update', this.onChange)
    this.base.off('reboot', this.onChange)
    this.signed?.off('append', this.onChange)
    await this.signed?.close()
  }

  private evaluate(): void {
    if (this.stopped) return
    const system = this.base.core
    // its key changes with the indexer set
    if (this.signed === null || !b4a.equals(this.signed.key, system.key)) this.watch(system.key)
    const minimum = fastForwardMinimum(system.length, this.signed!.length)
    if (minimum === this.minimum) return
    this.minimum = minimum
    this.base.setFastForwardMinimum?.(minimum) // an unpatched autobase keeps its own 16
  }

  private watch(key: Buffer): void {
    const previous = this.signed
    previous?.off('append', this.onChange)
    previous?.close().catch(() => {})
    const signed = this.store.get({ key, active: false })
    this.signed = signed
    signed.on('append', this.onChange)
    signed.ready().then(this.onChange, () => {})
  }
}
