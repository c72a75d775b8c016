import b4a from 'b4a'
import type Hypercore from 'hypercore'
import { openEntry } from '../ledger/entry.js'

/** Own transactions not final yet above which a submit waits (back-pressure); see LedgerNodeOptions.maxPending. */
export const DEFAULT_MAX_PENDING = 2048
/** How long a submit waits for room by default before it fails with BUSY (ms). */
export const BUSY_WAIT_MS = 10_000
/** How long a check waits for a missing entry before it gives up until finality moves again (ms). */
const FETCH_TIMEOUT_MS = 5000

interface Appended {
  /** Length of this node's writer core after the append: its blocks end here. */
  end: number
  txs: number
}

/**
 * Counts this node's own transactions that are written but not final yet, so that submits can wait
 * while too many are (back-pressure). Without it a node under full load keeps appending while
 * finality falls behind, and every merge re-applies the whole unsigned tail, which slows finality
 * further. Only a node's own transactions count, so a member flooding the ledger cannot stall the
 * others' submits.
 *
 * A block of ours is final once an entry it wrote is final: entries of one writer appear in the
 * order of its blocks, so the last final entry by this writer covers every block before it.
 */
export class Backlog {
  private appended: Appended[] = []
  private pending = 0
  /** Final entries below this have been looked at. */
  private checked: number
  /** Blocks were added whose entries may already be final from here on: look again from here. */
  private recheckFrom = Infinity
  private checking: Promise<void> | null = null
  private again = false

  constructor(
    private readonly log: Hypercore,
    private readonly writer: Uint8Array,
    private readonly finalLength: () => number,
    private readonly onChange: () => void,
    /** Finality now covers this node's writer blocks up to this length. */
    private readonly onFinal: (writerLength: number) => void = () => {}
  ) {
    this.checked = finalLength()
  }

  /** Own transactions not final yet (those appended since the node opened). */
  get size(): number {
    return this.pending
  }

  /**
   * Our blocks ending at `end` are in the writer core; their entries are at or above `finalBefore`
   * (the final length when they were appended). They can be final already, before this call:
   * finality that moved meanwhile is looked at again from there.
   */
  added(end: number, txs: number, finalBefore: number): void {
    this.appended.push({ end, txs })
    this.pending += txs
    if (finalBefore < this.checked) {
      this.recheckFrom = Math.min(this.recheckFrom, finalBefore)
      this.finalized()
    }
  }

  /** This node was removed from the writers: what it wrote after that is skipped, never final. */
  clear(): void {
    this.appended = []
    this.pending = 0
    this.onChange()
  }

  /** Finality moved: find which of our blocks it now covers. */
  finalized(): void {
    if (this.checking !== null) {
      this.again = true
      return
    }
    this.checking = this.check(this.finalLength())
      .catch(() => {})
      .finally(() => {
        this.checking = null
        if (this.again) {
          this.again = false
          this.finalized()
        }
      })
  }

  /** Resolves when no check is running (for a clean close). */
  async idle(): Promise<void> {
    while (this.checking !== null) await this.checking
  }

  private async check(finalLength: number): Promise<void> {
    const requested = this.recheckFrom
    const from = Math.min(this.checked, requested)
    this.recheckFrom = Infinity
    if (this.appended.length === 0) {
      this.checked = Math.max(this.checked, finalLength)
      return
    }
    try {
      // The newest final entry of ours: walk back from the final end to what was looked at before.
      for (let i = finalLength - 1; i >= from; i--) {
        // A fast-forward skips entries, which the node then downloads: fetch one now if it is missing.
        const bytes = await this.log.get(i, { timeout: FETCH_TIMEOUT_MS })
        if (bytes === null) throw new Error(`final entry ${i} is missing`)
        const entry = openEntry(bytes)
        if (!b4a.equals(entry.writer, this.writer)) continue
        this.release(entry.writerSeq + 1)
        break
      }
    } catch (err) {
      this.recheckFrom = Math.min(this.recheckFrom, requested) // the next check looks there again
      throw err
    }
    this.checked = Math.max(this.checked, finalLength)
  }

  private release(finalWriterLength: number): void {
    this.onFinal(finalWriterLength)
    let n = 0
    while (n < this.appended.length && this.appended[n].end <= finalWriterLength)
      this.pending -= this.appended[n++].txs
    if (n === 0) return
    this.appended = this.appended.slice(n)
    this.onChange()
  }
}
