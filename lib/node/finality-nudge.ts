import type Autobase from 'autobase'

/** Nudge after finality has not moved for this many ack intervals (plus up to as many again, at random). */
export const STALL_INTERVALS = 6

/**
 * Keeps finality moving on an indexer. While entries are pending it asks autobase for an ack on a
 * fixed beat, since autobase's own ack timer is pushed back by every remote change. And autobase's
 * ack rule can leave the indexers' concurrent acks as the only heads, after which no indexer acks
 * until someone writes: when the final length has not moved for a while, this appends one more
 * ack, which merges those heads. The random part of that delay keeps two indexers out of lockstep.
 */
export class FinalityNudge {
  private timer: NodeJS.Timeout | null = null
  private lastFinal = -1
  private deadline = 0
  private nudging = false

  constructor(
    private readonly base: Autobase<unknown>,
    private readonly lengths: () => { length: number; finalLength: number },
    private readonly ackInterval: number
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.tick()
    }, this.ackInterval)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
  }

  private tick(): void {
    const { length, finalLength } = this.lengths()
    const now = Date.now()
    if (finalLength !== this.lastFinal || finalLength >= length || !this.base.isIndexer) {
      this.lastFinal = finalLength
      this.deadline = now + this.ackInterval * STALL_INTERVALS * (1 + Math.random())
      return
    }
    if (this.nudging) return
    if (now < this.deadline) {
      // Autobase's own ack timer is pushed back by every remote change, so under steady writes it
      // rarely fires; ack on a fixed beat instead (autobase still decides whether an ack helps).
      this.base.ack().catch(() => {})
      return
    }
    this.nudging = true
    this.base
      .append(null)
      .catch(() => {})
      .finally(() => {
        this.nudging = false
        this.deadline = Date.now() + this.ackInterval * STALL_INTERVALS * (1 + Math.random())
      })
  }
}
