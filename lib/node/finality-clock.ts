/** Growth of the view closer together than this (ms) is recorded as one step: it bounds the memory to one step per interval. */
const STEP_MS = 1000

/**
 * How long the oldest entry that is not final yet has been in the view: finality lag in time. It
 * keeps when the view first grew past each length (coarsened to STEP_MS) until those entries are final.
 */
export class FinalityClock {
  /** [length, ms]: the view first held `length` entries at `ms`; lengths rise. */
  private steps: Array<[number, number]> = []
  private start = 0

  /** The view is `length` entries long and `finalLength` of them are final, at `now` (ms). */
  update(length: number, finalLength: number, now: number): void {
    while (this.start < this.steps.length && this.steps[this.start][0] <= finalLength) this.start++
    if (this.start > 1024 && this.start * 2 > this.steps.length) {
      this.steps = this.steps.slice(this.start)
      this.start = 0
    }
    const last = this.steps.length > this.start ? this.steps[this.steps.length - 1] : null
    if (length <= Math.max(finalLength, last?.[0] ?? 0)) return
    // Still within one step of the last record: stretch it (its time stays the older one).
    if (last !== null && now - last[1] < STEP_MS) last[0] = length
    else this.steps.push([length, now])
  }

  /** Seconds the oldest non-final entry has waited at `now`; 0 when every entry is final. */
  lagSeconds(now: number): number {
    if (this.start >= this.steps.length) return 0
    return Math.max(0, now - this.steps[this.start][1]) / 1000
  }
}
