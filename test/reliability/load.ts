import type { TxInput } from '../../lib/index.js'
import { codeOf } from '../../lib/errors.js'
import type { ErrorCode } from '../../lib/errors.js'
import { pause } from '../helpers/wait.js'
import { DaemonLoops } from './loops.js'
import type { Daemon } from './cluster.js'
import type { Report } from './report.js'

/** Transactions per submit: 1 to this many. */
const MAX_BATCH = 8
/** After an error reply, a load loop waits this long (ms) before its next submit. */
const RETRY_MS = 250

/** The account every daemon owns together: transfers out of it conflict across nodes. */
export const POOL = 'pool'

export interface Ack {
  id: string
  /** The daemon that acknowledged it. */
  node: string
  /** When the acknowledgement came (ms since the epoch). */
  at: number
}

/**
 * Steady mixed writes through every daemon's HTTP API: puts, transfers out of the daemon's own
 * account and out of the shared pool. A daemon the scenario killed is waited for; a request cut by a
 * crash is not acknowledged, so it may or may not be in the ledger. Every reply that does come
 * back is recorded: acknowledged ids, and any error code other than the daemon being gone.
 */
export class Load extends DaemonLoops {
  readonly acks: Ack[] = []
  /** Error codes of replies that should not happen under load (anything but "the daemon is gone"). */
  readonly errors = new Map<ErrorCode, number>()
  /** BUSY replies: a daemon's back-pressure, which a client meets by retrying a little later. */
  busy = 0
  /** Submit round trips (ms), acknowledged ones only. */
  readonly latencies: number[] = []

  /** Record what the load did: acknowledged transactions (counted as `acked`), BUSY replies, and whether any reply was an error. */
  record(report: Report, acked = 'transactions acknowledged'): void {
    report.count(acked, this.acks.length)
    report.count('BUSY replies (back-pressure, retried)', this.busy)
    report.check(
      'no daemon answered a submit with an error',
      this.errors.size === 0,
      JSON.stringify(Object.fromEntries(this.errors))
    )
  }

  /** Resolves once `n` more transactions have been acknowledged; throws after `timeout` ms without. */
  async acked(n: number, timeout = 60_000): Promise<void> {
    const target = this.acks.length + n
    const deadline = Date.now() + timeout
    while (this.acks.length < target && !this.stopped) {
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(
          `only ${n - (target - this.acks.length)} of ${n} writes acknowledged within ${timeout} ms; error replies: ${JSON.stringify(Object.fromEntries(this.errors))}`
        )
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  protected async loop(d: Daemon): Promise<void> {
    let n = 0
    while (!this.stopped) {
      const client = d.client
      if (client === null) {
        await new Promise<void>((resolve) => this.waiters.push(resolve))
        continue
      }
      const txs = this.batch(d, n++)
      const wait = this.rnd.next() < 0.5 ? 'none' : 'applied'
      const started = Date.now()
      try {
        const result = await client.submit(txs, { wait, timeout: 5000 })
        const at = Date.now()
        this.latencies.push(at - started)
        for (const t of result.transactions) this.acks.push({ id: t.id, node: d.name, at })
        this.wake()
      } catch (err) {
        // A daemon we killed mid-request answers nothing: not an acknowledgement, and not an error.
        if (d.client !== client) continue
        // Anything else but BUSY is an error the run reports; back off a little and go on (a stalled daemon may recover).
        const code = codeOf(err)
        if (code === 'BUSY') this.busy++
        else this.errors.set(code, (this.errors.get(code) ?? 0) + 1)
        await pause(RETRY_MS)
      }
    }
  }

  private batch(d: Daemon, n: number): TxInput[] {
    const others = this.daemons.filter((o) => o !== d)
    const size = 1 + this.rnd.int(MAX_BATCH)
    const txs: TxInput[] = []
    for (let i = 0; i < size; i++) {
      const kind = this.rnd.int(4)
      if (kind === 0) txs.push({ type: 'put', key: `${d.name}/${n}/${i}`, value: { n, at: i } })
      else if (kind === 1)
        txs.push({
          type: 'transfer',
          from: POOL,
          to: this.rnd.pick(others).writerKey,
          amount: String(1 + this.rnd.int(50))
        })
      else
        txs.push({
          type: 'transfer',
          from: d.writerKey,
          to: this.rnd.pick(others).writerKey,
          amount: String(1 + this.rnd.int(20))
        })
    }
    return txs
  }
}
