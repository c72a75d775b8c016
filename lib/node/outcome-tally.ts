import type Hypercore from 'hypercore'
import { openEntry } from '../ledger/entry.js'
import { reasonOf } from '../ledger/outcome.js'

/** How long the tally waits for a final entry this node does not hold yet (ms); it tries again on the next call. */
const FETCH_TIMEOUT_MS = 5000
/** Entries read from storage in one batch. */
const READ_BATCH = 256

/**
 * Counts the outcomes of the view's final entries, from position 0: each final entry once, and only
 * once final, so entries an unsigned reorder truncates and re-applies are never counted twice (final
 * entries never move; even a diverged node's jump to the signed ledger keeps them). It reads the
 * stored entries after autobase applied them, never inside apply.
 */
export class OutcomeTally {
  /** Final entries below this are counted. */
  private counted = 0
  private running: Promise<void> | null = null
  private again = false
  private stopped = false

  constructor(
    private readonly log: () => Hypercore,
    private readonly finalLength: () => number,
    /** One outcome more: 'accepted' or the rejection code. */
    private readonly onOutcome: (outcome: string) => void
  ) {}

  /** Finality moved: count the entries that became final. */
  update(): void {
    if (this.stopped) return
    if (this.running !== null) {
      this.again = true
      return
    }
    this.running = this.run()
      .catch(() => {}) // a missing entry or a closing view: the next update goes on from there
      .finally(() => {
        this.running = null
        if (this.again) {
          this.again = false
          this.update()
        }
      })
  }

  /** Wait until the entries final now are counted, at most `timeout` ms (a missing entry ends the wait early). */
  async caughtUp(timeout: number): Promise<void> {
    const target = this.finalLength()
    const deadline = Date.now() + timeout
    while (this.counted < target && this.running !== null && !this.stopped) {
      const left = deadline - Date.now()
      if (left <= 0) return
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        this.running,
        new Promise((resolve) => {
          timer = setTimeout(resolve, left)
        })
      ])
      clearTimeout(timer)
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    await this.running
  }

  private async run(): Promise<void> {
    const end = this.finalLength()
    while (this.counted < end && !this.stopped) {
      const log = this.log()
      // One storage read batch for many entries: a get per entry costs several times more.
      const rx = log.state.storage.read()
      const reads: Array<Promise<Buffer | null>> = []
      for (let i = this.counted; i < Math.min(end, this.counted + READ_BATCH); i++)
        reads.push(rx.getBlock(i))
      rx.tryFlush()
      for (const read of reads) {
        // A block this node does not hold yet (a fast-forward skipped it): fetch it like a read.
        const bytes = (await read) ?? (await log.get(this.counted, { timeout: FETCH_TIMEOUT_MS }))
        if (bytes === null || this.stopped) return
        this.onOutcome(reasonOf(openEntry(bytes).outcome) ?? 'accepted')
        this.counted++
      }
    }
  }
}
