import { startLedgerCluster, checkHeads } from '../harness/ledger-cluster.js'
import { DEFAULT_ACK_INTERVAL_MS } from '../../lib/index.js'
import { workloadSlices } from '../harness/workload.js'
import { runNet, runDir, runTimeout, withTeardown, SanityError } from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { percentiles } from '../harness/stats.js'
import type { Percentiles } from '../harness/stats.js'
import { figure } from '../harness/report.js'
import type { ScenarioReport, Figure } from '../harness/report.js'
import { HOPS, HOP_LABELS, hopSamples } from '../harness/hops.js'
import type { Hop } from '../harness/hops.js'

const WRITERS = 3

export interface LatencySetup {
  /** Short label for tables and charts. */
  label: string
  indexers: number
  txsPerWriter: number
  /** Submit one transaction every this many ms per writer; null for as fast as submit accepts. */
  intervalMs: number | null
}

export interface LatencyRun {
  /** Submit on one writer to first seen on each other node, ms. */
  visible: Percentiles
  /** Submit to final on the submitting node, ms. */
  final: Percentiles
  /** Each hop of those two paths (see HOPS). */
  hops: Record<Hop, Percentiles>
  reorders: number[]
}

/** Three writers submitting at the given pace; every node stamps each transaction id as it sees it. */
export async function latencyRun(ctx: BenchContext, setup: LatencySetup): Promise<LatencyRun> {
  const { config } = ctx
  const timeoutMs = runTimeout(config, 300_000)
  return withTeardown(async (defer) => {
    const net = await runNet(defer)
    const dir = await runDir(defer, 'latency')
    const cluster = await startLedgerCluster({
      net,
      dir,
      writers: WRITERS,
      indexers: setup.indexers,
      accounts: config.accounts,
      forceAckMs: config.forceAckMs,
      ackInterval: config.ackIntervalMs,
      maxPending: config.maxPending,
      defer,
      timeoutMs
    })
    const writerKeys = cluster.writerKeys.slice(0, WRITERS)
    await Promise.all(cluster.peers.map((p) => p.call('observe', { writers: writerKeys })))
    await Promise.all(
      cluster.writers.map((p, w) =>
        p.call('prepare', { slices: [workloadSlices(config, WRITERS, setup.txsPerWriter)[w]] })
      )
    )
    const length = cluster.setupLength + WRITERS * setup.txsPerWriter

    const submitted =
      setup.intervalMs === null
        ? (
            await Promise.all(
              cluster.writers.map((p) => p.call('run', { window: config.window, record: true }))
            )
          ).map((r) => r.submitted ?? {})
        : await Promise.all(
            cluster.writers.map((p) => p.call('pace', { intervalMs: setup.intervalMs! }))
          )
    const heads = await Promise.all(
      cluster.peers.map((p) => p.call('waitLength', { length, final: true, timeoutMs }))
    )
    checkHeads(heads, length)
    const seen = await Promise.all(cluster.peers.map((p) => p.call('sightings')))

    const visible: number[] = []
    const final: number[] = []
    submitted.forEach((ids, w) => {
      for (const [id, at] of Object.entries(ids)) {
        for (let v = 0; v < seen.length; v++) {
          if (v === w) continue
          const t = seen[v].visible[id]
          if (t === undefined)
            throw new SanityError(`node ${v} never saw transaction ${id} from writer ${w}`)
          visible.push(t - at)
        }
        const f = seen[w].final[id]
        if (f === undefined)
          throw new SanityError(`writer ${w} never saw its transaction ${id} final`)
        final.push(f - at)
      }
    })
    const hops = hopSamples(submitted, seen, writerKeys)
    return {
      visible: percentiles(visible),
      final: percentiles(final),
      hops: Object.fromEntries(HOPS.map((h) => [h, percentiles(hops[h])])) as Record<
        Hop,
        Percentiles
      >,
      reorders: heads.map((h) => h.reorders)
    }
  })
}

export async function latencyScenario(ctx: BenchContext): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const light = (indexers: number): LatencySetup => ({
    label: `light, ${indexers} idx`,
    indexers,
    txsPerWriter: config.latencyTxs,
    intervalMs: config.latencyIntervalMs
  })
  const loaded = (indexers: number): LatencySetup => ({
    label: `loaded, ${indexers} idx`,
    indexers,
    txsPerWriter: config.loadedLatencyTxs,
    intervalMs: null
  })
  // The smoke run covers both submit paths and both indexer counts in two setups.
  const setups = config.lightOnly
    ? [light(1), light(3)]
    : config.smoke
      ? [light(3), loaded(1)]
      : [light(1), light(3), loaded(1), loaded(3)]
  const figures: Record<string, Figure> = {}
  const runs: Array<{ setup: LatencySetup; runs: LatencyRun[] }> = []
  for (const setup of setups) {
    const results: LatencyRun[] = []
    for (let r = 0; r < config.runs; r++) {
      const run = await latencyRun(ctx, setup)
      ctx.log(
        `  ${setup.label}: visible p50 ${run.visible.p50.toFixed(1)} ms p99 ${run.visible.p99.toFixed(1)} ms; final p50 ${run.final.p50.toFixed(0)} ms p99 ${run.final.p99.toFixed(0)} ms; hops p50 ${HOPS.map((h) => `${h} ${run.hops[h].p50.toFixed(1)}`).join(', ')} ms`
      )
      results.push(run)
    }
    runs.push({ setup, runs: results })
    const key = setup.label.replace(/[^a-z0-9]/g, '')
    const isLight = setup.intervalMs !== null
    for (const kind of ['visible', 'final'] as const) {
      for (const p of ['p50', 'p95', 'p99'] as const) {
        let target: Figure['target']
        if (isLight && kind === 'visible' && p === 'p50') target = { value: 12, text: '<= 12 ms' }
        if (isLight && kind === 'visible' && p === 'p99') target = { value: 40, text: '<= 40 ms' }
        if (isLight && kind === 'final' && p === 'p50')
          target =
            setup.indexers === 3
              ? { value: 200, text: '<= 200 ms' }
              : { value: 50, text: '<= 50 ms' }
        figures[`${key}${kind}${p.toUpperCase()}`] = figure(
          `${kind} ${setup.label} ${p}`,
          'ms',
          results.map((x) => x[kind][p]),
          'lower',
          target
        )
      }
    }
    if (!isLight) continue
    for (const hop of HOPS) {
      for (const p of ['p50', 'p99'] as const) {
        figures[`${key}hop${hop}${p.toUpperCase()}`] = figure(
          `${setup.label} hop ${HOP_LABELS[hop]} ${p}`,
          'ms',
          results.map((x) => x.hops[hop][p]),
          'lower'
        )
      }
    }
  }
  return {
    name: 'latency',
    title: `Latency with ${WRITERS} writer processes: submit to visible on another node, and submit to final on the submitter`,
    ok: true,
    params: {
      writers: WRITERS,
      lightTxsPerWriter: config.latencyTxs,
      lightIntervalMs: config.latencyIntervalMs,
      loadedTxsPerWriter: config.loadedLatencyTxs,
      window: config.window,
      ackIntervalMs: config.ackIntervalMs ?? DEFAULT_ACK_INTERVAL_MS,
      forceAckMs: config.forceAckMs
    },
    figures,
    runs,
    notes: [
      `light load: each writer submits one transaction every ${config.latencyIntervalMs} ms; loaded: ${config.loadedLatencyTxs} per writer as fast as submit accepts`,
      "hops (light load): a block is in the writer core at hypercore's append event there and held by another node at its download event; visible is the node's next update after that; an indexer's ack is its first append since it held the block (none before can reference it; its own block is its own ack), and a quorum's time the quorum-th earliest of its indexers'"
    ]
  }
}
