import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import b4a from 'b4a'
import type { LedgerNode } from '../../lib/index.js'
import { now } from '../harness/clock.js'

/** What one node saw, with times on the shared monotonic clock (ms). */
export interface Sightings {
  /** Per transaction id: when it was first seen in the ledger here, and when it became final here. */
  visible: Record<string, number>
  final: Record<string, number>
  /** Per id of this node's own transactions: the index of the block holding it in this node's writer core. */
  ownBlock: Record<string, number>
  /** When each block of this node's writer core (its transactions and its acks) was appended, by index. */
  appended: Record<number, number>
  /** Per watched writer key (hex) of another node: when each of its blocks arrived here, by index. */
  held: Record<string, Record<number, number>>
  isIndexer: boolean
}

const PAGE = 1000

/**
 * Watches one node: after every update it reads the entries it has not read yet and stamps their
 * ids with the time the update arrived. A reorder moves the cursor back (ids keep their first time).
 * It also stamps the blocks of the writer cores: its own as they are appended, the others' as they
 * are downloaded (hypercore's own `append` and `download` events, on sessions of the base's cores).
 */
export class LatencyObserver {
  private readonly visible: Record<string, number> = {}
  private readonly final: Record<string, number> = {}
  private readonly ownBlock: Record<string, number> = {}
  private readonly appended: Record<number, number> = {}
  private readonly held: Record<string, Record<number, number>> = {}
  private readonly sessions: Hypercore[] = []
  private readonly ownKey: string
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

  constructor(
    private readonly node: LedgerNode,
    private readonly store: Corestore,
    private readonly writerKeys: string[]
  ) {
    this.ownKey = b4a.toString(node.writerKey, 'hex')
  }

  /** Resolves once the writer cores are watched. */
  async start(): Promise<void> {
    this.node.on('update', this.onUpdate)
    this.node.on('reorder', this.onReorder)
    for (const key of this.writerKeys) this.watch(key)
    await Promise.all(this.sessions.map((core) => core.ready()))
    this.kick()
  }

  stop(): void {
    this.stopped = true
    this.node.off('update', this.onUpdate)
    this.node.off('reorder', this.onReorder)
    for (const core of this.sessions) core.close().catch(() => {})
  }

  async idle(): Promise<void> {
    while (this.running !== null) await this.running
  }

  sightings(): Sightings {
    return {
      visible: this.visible,
      final: this.final,
      ownBlock: this.ownBlock,
      appended: this.appended,
      held: this.held,
      isIndexer: this.node.base.isIndexer
    }
  }

  private watch(key: string): void {
    const core = this.store.get({ key: b4a.from(key, 'hex') })
    this.sessions.push(core)
    if (key === this.ownKey) {
      let length = this.node.base.local.length
      core.on('append', () => {
        const at = now()
        for (; length < core.length; length++) this.appended[length] = at
      })
      return
    }
    const held: Record<number, number> = (this.held[key] = {})
    core.on('download', (index: number) => {
      if (held[index] === undefined) held[index] = now()
    })
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
        if (entry.id === null || into[entry.id] !== undefined) continue
        into[entry.id] = at
        if (entry.writer === this.ownKey) this.ownBlock[entry.id] = entry.writerPosition
      }
      this[cursor] = page.items[page.items.length - 1].position + 1
    }
  }
}
