interface Submitted {
  /** This node's writer core length once the submit's blocks were in it: they end at or before it. */
  end: number
  txs: number
  /** When the submit was called (ms). */
  at: number
}

/** Submits this node remembers at most, oldest dropped first (each waits for one applied and one final time). */
const MAX_TRACKED = 10_000

/**
 * Times this node's own submits until their blocks are applied to its view and until they are
 * final. Blocks of one writer are applied and become final in the order it wrote them, so a submit
 * is done once the applied (or final) length of this node's writer core reaches its `end`.
 */
export class SubmitLatency {
  private readonly waitingApplied: Submitted[] = []
  private readonly waitingFinal: Submitted[] = []
  /** How far apply and finality reached: a submit's blocks can be applied, even final, before its write returns. */
  private appliedLength = 0
  private finalLength = 0

  constructor(
    /** Seconds for each transaction of a submit, once applied / once final. */
    private readonly observe: (stage: 'applied' | 'final', seconds: number, txs: number) => void
  ) {}

  submitted(end: number, txs: number, at: number, now: number): void {
    const s = { end, txs, at }
    for (const list of [this.waitingApplied, this.waitingFinal]) {
      list.push(s)
      if (list.length > MAX_TRACKED) list.shift()
    }
    this.release(this.waitingApplied, 'applied', this.appliedLength, now)
    this.release(this.waitingFinal, 'final', this.finalLength, now)
  }

  /** Apply reached this node's writer block count `length`. */
  applied(length: number, now: number): void {
    this.appliedLength = Math.max(this.appliedLength, length)
    this.release(this.waitingApplied, 'applied', length, now)
  }

  /** Finality covers this node's writer blocks up to `length`. */
  finalized(length: number, now: number): void {
    this.finalLength = Math.max(this.finalLength, length)
    this.release(this.waitingFinal, 'final', length, now)
  }

  /** This node is no longer a writer: what it has waiting is never applied. */
  clear(): void {
    this.waitingApplied.length = 0
    this.waitingFinal.length = 0
  }

  private release(
    list: Submitted[],
    stage: 'applied' | 'final',
    length: number,
    now: number
  ): void {
    let n = 0
    while (n < list.length && list[n].end <= length) {
      this.observe(stage, (now - list[n].at) / 1000, list[n].txs)
      n++
    }
    if (n > 0) list.splice(0, n)
  }
}
