import type { LedgerNode } from '../node/node.js'
import type { Logger } from './log.js'

/** A burst of updates counts as catching up once it has brought this many entries... */
const SHOW_AFTER_ENTRIES = 50
/** ...or has lasted this long (ms). */
const SHOW_AFTER_MS = 1000
/** The burst is over (caught up) after this long without an update (ms). */
const IDLE_MS = 1500
const REDRAW_MS = 100

/**
 * On a TTY, a progress line while the node catches up: a burst of ledger updates is shown as it
 * goes (`syncing length 1200 (+1100) final 1000 peers 2 850 entries/s`), then replaced by one
 * `synced` log line once updates stop. Silent when stderr is not a TTY (logs carry `final` lines).
 */
export class SyncProgress {
  private burstStart = 0
  private burstFrom = 0
  private last: number
  private shown = false
  private idle: NodeJS.Timeout | null = null
  private redraw: NodeJS.Timeout | null = null
  private readonly onUpdate = (): void => this.update()

  constructor(
    private readonly node: LedgerNode,
    private readonly log: Logger
  ) {
    this.last = node.length
    if (log.tty) node.on('update', this.onUpdate)
  }

  stop(): void {
    this.node.off('update', this.onUpdate)
    if (this.idle !== null) clearTimeout(this.idle)
    if (this.redraw !== null) clearTimeout(this.redraw)
    this.log.progress(null)
  }

  private update(): void {
    const now = Date.now()
    if (this.idle === null) {
      this.burstStart = now
      this.burstFrom = this.last
    } else {
      clearTimeout(this.idle)
    }
    this.last = this.node.length
    this.idle = setTimeout(() => this.done(), IDLE_MS)
    if (
      !this.shown &&
      this.node.length - this.burstFrom < SHOW_AFTER_ENTRIES &&
      now - this.burstStart < SHOW_AFTER_MS
    )
      return
    this.shown = true
    this.redraw ??= setTimeout(() => this.draw(), REDRAW_MS)
  }

  private draw(): void {
    this.redraw = null
    if (this.node.closing) return
    const length = this.node.length
    const secs = Math.max(0.001, (Date.now() - this.burstStart) / 1000)
    const rate = Math.round((length - this.burstFrom) / secs)
    this.log.progress(
      `syncing  length ${length} (+${length - this.burstFrom})  final ${this.node.finalLength}  peers ${this.node.peers}  ${rate} entries/s`
    )
  }

  private done(): void {
    this.idle = null
    if (this.redraw !== null) clearTimeout(this.redraw)
    this.redraw = null
    if (!this.shown || this.node.closing) return
    this.shown = false
    this.log.progress(null)
    this.log.info('synced', {
      length: this.node.length,
      final: this.node.finalLength,
      added: this.node.length - this.burstFrom
    })
  }
}
