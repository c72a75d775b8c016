import type { LedgerNode } from '../../lib/index.js'
import { now } from '../harness/clock.js'

/** When each transaction id was first seen in the ledger here, and when it became final here. */
export interface Sightings {
  visible: Record<string, number>
  final: Record<string, number>
}

const PAGE = 1000

/**
 * Watches one node: after every update it reads the entries it has not read yet and stamps their
 * ids with the time the update arrived. A reorder moves the cursor back (ids keep their first time).
 */
export class LatencyObserver {
  private readonly visible: Record<string, number> = {}
  private readonly final: Record<string, number> = {}
  private scanned = 0
  private finalScanned = 0
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  /** Bumped on every reorder: a page read before it must not move the cursor. */
  private generation = 0
  private readonly onUpdate = (): void => this.kick()
  private readonly onReorder = ({ length }: { length: number }): void => {
    this.generation++
    this.scanned = Math.min(this.scanned, length)
    this.finalScanned = Math.min(this.finalScanned, length)
    this.kick()
  }

  constructor(private readonly node: LedgerNode) {}

  start(): void {
    this.node.on('update', this.onUpdate)
    this.node.on('reorder', this.onReorder)
    this.kick()
  }

  stop(): void {
    this.stopped = true
    this.node.off('update', this.onUpdate)
    this.node.off('reorder', this.onReorder)
  }

  async idle(): Promise<void> {
    while (this.running !== null) await this.running
  }

  sightings(): Sightings {
    return { visible: this.visible, final: this.final }
  }

  private kick(): void {
    if (this.running !== null) {
      this.again = true
      return
    }
    this.running = this.loop().finally(() => {
      this.running = null
    })
  }

  private async loop(): Promise<void> {
    do {
      this.again = false
      if (this.stopped) return
      const at = now()
      await this.scan(this.node.length, this.visible, at, 'scanned')
      await this.scan(this.node.finalLength, this.final, at, 'finalScanned')
    } while (this.again)
  }

  private async scan(
    upTo: number,
    into: Record<string, number>,
    at: number,
    cursor: 'scanned' | 'finalScanned'
  ): Promise<void> {
    while (this[cursor] < upTo) {
      const generation = this.generation
      const page = await this.node.entries({ gte: this[cursor], lt: upTo, limit: PAGE })
      if (page.items.length === 0 || generation !== this.generation) return
      for (const entry of page.items) {
        if (entry.id !== null && into[entry.id] === undefined) into[entry.id] = at
      }
      this[cursor] = page.items[page.items.length - 1].position + 1
    }
  }
}
