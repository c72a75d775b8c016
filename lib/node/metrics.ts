import { Registry, Gauge, Counter, Histogram, collectDefaultMetrics } from 'prom-client'
import type { GaugeConfiguration } from 'prom-client'
import HypercoreStats from 'hypercore-stats'
import HyperswarmStats from 'hyperswarm-stats'
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type Hyperswarm from 'hyperswarm'
import type { Alarms } from './health/monitor.js'
import { OutcomeTally } from './outcome-tally.js'
import { FinalityClock } from './finality-clock.js'
import { SubmitLatency } from './submit-latency.js'

/** How long a scrape waits for the outcome tally to reach the final length (ms) before it reports what is counted. */
const TALLY_WAIT_MS = 1000

/** What the metrics read from the node at scrape time. */
export interface MetricsSource {
  store: Corestore
  log(): Hypercore
  length(): number
  finalLength(): number
  pending(): number
  peers(): number
  alarms(): Alarms
  upgradeRequired(): string | null
  ready(): boolean
  /** Every current writer: blocks this node holds of its core, and blocks applied. */
  writers(): Promise<WriterFigures[]>
}

export interface WriterFigures {
  /** The writer key (hex). */
  key: string
  length: number
  applied: number
}

const SUBMIT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
const APPLY_BUCKETS = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]

/**
 * A node's Prometheus metrics, in a registry of its own (so that nodes in one process do not mix).
 * Counting is cheap and always on; what costs more (the outcome tally, which reads every final
 * entry once, the process defaults and the Holepunch stack's own stats) starts at the first scrape.
 */
export class NodeMetrics {
  private readonly registry = new Registry()
  private readonly clock = new FinalityClock()
  private readonly latency: SubmitLatency
  private readonly tally: OutcomeTally
  private readonly transactions: Counter<'outcome'>
  private readonly submits: Counter
  private readonly reorders: Counter
  private readonly fastForwards: Counter
  private readonly applySeconds: Histogram
  private swarmStats: HyperswarmStats | null = null
  private scraped = false

  constructor(private readonly source: MetricsSource) {
    const registers = [this.registry]
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read())
        }
      })
    }
    gauge(
      'autoledger_ledger_length',
      'Entries in the view of this node, final or not',
      source.length
    )
    gauge('autoledger_final_length', 'Entries the indexer quorum signed', source.finalLength)
    gauge(
      'autoledger_finality_lag_entries',
      'Entries in the view that are not final yet',
      () => source.length() - source.finalLength()
    )
    gauge(
      'autoledger_finality_lag_seconds',
      'How long the oldest entry that is not final yet has been in the view',
      () => this.clock.lagSeconds(Date.now())
    )
    gauge(
      'autoledger_pending_transactions',
      'Transactions of this node written but not final yet',
      source.pending
    )
    gauge('autoledger_peers', 'Peers connected on the swarm', source.peers)
    gauge('autoledger_ready', '1 while GET /readyz answers 200', () => (source.ready() ? 1 : 0))
    gauge(
      'autoledger_upgrade_required',
      '1 once the ledger activated a format this release does not know (applying stopped)',
      () => (source.upgradeRequired() === null ? 0 : 1)
    )
    new Gauge({
      name: 'autoledger_alarm',
      help: '1 while the alarm is raised',
      labelNames: ['alarm'],
      registers,
      collect() {
        const alarms = source.alarms()
        for (const name of ['diverged', 'stalled'] as const)
          this.set({ alarm: name }, alarms[name] === null ? 0 : 1)
      }
    })
    this.writerGauges(registers)

    this.transactions = new Counter({
      name: 'autoledger_transactions_total',
      help: 'Final entries by outcome: accepted, or the rejection code',
      labelNames: ['outcome'],
      registers
    })
    this.transactions.inc({ outcome: 'accepted' }, 0)
    this.submits = new Counter({
      name: 'autoledger_submitted_transactions_total',
      help: 'Transactions this node submitted (written to its own log)',
      registers
    })
    this.reorders = new Counter({
      name: 'autoledger_reorders_total',
      help: 'Times the unsigned tail of the view was truncated to be re-applied in the merged order',
      registers
    })
    this.fastForwards = new Counter({
      name: 'autoledger_fast_forwards_total',
      help: 'Times the node jumped to the latest signed state instead of applying up to it',
      registers
    })
    this.applySeconds = new Histogram({
      name: 'autoledger_apply_seconds',
      help: 'Time of one call of the apply handler (one batch of writer blocks)',
      buckets: APPLY_BUCKETS,
      registers
    })
    const toApplied = new Histogram({
      name: 'autoledger_submit_to_applied_seconds',
      help: 'Per transaction of this node, from the submit call to its entry in the view',
      buckets: SUBMIT_BUCKETS,
      registers
    })
    const toFinal = new Histogram({
      name: 'autoledger_submit_to_final_seconds',
      help: 'Per transaction of this node, from the submit call to its entry being final',
      buckets: SUBMIT_BUCKETS,
      registers
    })
    this.latency = new SubmitLatency((stage, seconds, txs) => {
      const histogram = stage === 'applied' ? toApplied : toFinal
      for (let i = 0; i < txs; i++) histogram.observe(seconds)
    })
    this.tally = new OutcomeTally(source.log, source.finalLength, (outcome) =>
      this.transactions.inc({ outcome })
    )
  }

  /** The node is on the swarm: count its bytes from now on. */
  attachSwarm(swarm: Hyperswarm): void {
    const stats = new HyperswarmStats(swarm)
    this.swarmStats = stats
    const registers = [this.registry]
    const counter = (name: string, help: string, read: () => number): void => {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset()
          this.inc(read())
        }
      })
    }
    counter('autoledger_network_bytes_sent_total', 'Bytes sent to peers over the swarm', () =>
      stats.getBytesTransmittedAcrossAllStreams()
    )
    counter(
      'autoledger_network_bytes_received_total',
      'Bytes received from peers over the swarm',
      () => stats.getBytesReceivedAcrossAllStreams()
    )
  }

  /** The Prometheus text of every metric. */
  async text(): Promise<string> {
    if (!this.scraped) this.firstScrape()
    await this.tally.caughtUp(TALLY_WAIT_MS)
    return this.registry.metrics()
  }

  /** This node wrote `txs` transactions submitted at `at` (ms); its writer core is `ownEnd` blocks long now. */
  submitted(ownEnd: number, txs: number, at: number): void {
    this.submits.inc(txs)
    this.latency.submitted(ownEnd, txs, at, Date.now())
  }

  /** One apply call took `seconds`; it applied this node's own blocks up to `ownLength` (0: none). */
  applied(seconds: number, ownLength: number): void {
    this.applySeconds.observe(seconds)
    if (ownLength > 0) this.latency.applied(ownLength, Date.now())
  }

  /** Finality covers this node's own blocks up to `ownLength`. */
  ownFinal(ownLength: number): void {
    this.latency.finalized(ownLength, Date.now())
  }

  /** The node is no longer a writer. */
  unwritable(): void {
    this.latency.clear()
  }

  update(length: number, finalLength: number): void {
    this.clock.update(length, finalLength, Date.now())
    if (this.scraped) this.tally.update()
  }

  reorder(): void {
    this.reorders.inc()
  }

  fastForward(): void {
    this.fastForwards.inc()
  }

  async stop(): Promise<void> {
    await this.tally.stop()
  }

  private firstScrape(): void {
    this.scraped = true
    collectDefaultMetrics({ register: this.registry })
    const promClient = { Gauge: boundGauge(this.registry) }
    HypercoreStats.fromCorestore(this.source.store).registerPrometheusMetrics(promClient)
    this.swarmStats?.registerPrometheusMetrics(promClient)
    this.tally.update()
  }

  private writerGauges(registers: Registry[]): void {
    const source = this.source
    const perWriter = (name: string, help: string, read: (w: WriterFigures) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['writer'],
        registers,
        async collect() {
          const writers = await source.writers()
          this.reset()
          for (const w of writers) this.set({ writer: w.key }, read(w))
        }
      })
    }
    perWriter(
      'autoledger_writer_length',
      'Blocks of the log of a writer that this node holds',
      (w) => w.length
    )
    perWriter(
      'autoledger_writer_behind_blocks',
      'Blocks of a writer this node holds but has not applied yet',
      (w) => Math.max(0, w.length - w.applied)
    )
  }
}

/** prom-client's Gauge, registered in `registry` instead of the process-wide default one. */
function boundGauge(registry: Registry): new (config: never) => unknown {
  return class extends Gauge {
    constructor(config: GaugeConfiguration<string>) {
      super({ ...config, registers: [registry] })
    }
  }
}
