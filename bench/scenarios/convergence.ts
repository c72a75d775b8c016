import path from 'path'
import { PeerProcess } from '../harness/peer-process.js'
import type { LedgerPeerApi } from '../peer/ledger-peer.js'
import { startLedgerCluster, checkHeads } from '../harness/ledger-cluster.js'
import {
  runNet,
  runDir,
  runTimeout,
  withTeardown,
  SanityError,
  assertEqual
} from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { setupTransactions, setupLength, workloadSlices } from '../harness/workload.js'
import { figure } from '../harness/report.js'
import type { ScenarioReport } from '../harness/report.js'
import type { ProcessStats } from '../peer/protocol.js'
import type { CloseReport } from '../peer/ledger-peer.js'

export interface ConvergenceOptions {
  writers: number
  /** Transactions per writer. */
  txs: number
  followers?: number
  indexers?: number
  /** Node flags for peer i, e.g. `--cpu-prof`. */
  execArgv?: (i: number) => string[]
  /** Close every node at the end and compact its store (for the footprint). */
  compact?: boolean
}

export interface ConvergenceRun {
  writers: number
  nodes: number
  totalTxs: number
  bytes: number
  /** First submit to every node final at the full length. */
  ms: number
  txPerSec: number
  mbPerSec: number
  /** First submit to the last writer's last submit resolving. */
  submitMs: number
  /** First submit to every node holding the full length (not yet final). */
  visibleMs: number
  finalHash: string
  length: number
  reorders: number[]
  fastForwards: number[]
  /** Per writer: submits that got BUSY (its backlog of unfinal transactions full) and were tried again. */
  busy: number[]
  /** Per node: its process's CPU time (user + system, all threads) over the timed run per transaction, µs. */
  cpuUsPerTx: number[]
  stats: ProcessStats[]
  closed: CloseReport[]
}

/** One timed convergence run: W writer processes (plus followers) over a loopback swarm. */
export async function convergenceRun(
  ctx: BenchContext,
  opts: ConvergenceOptions
): Promise<ConvergenceRun> {
  const { config } = ctx
  const timeoutMs = runTimeout(config)
  return withTeardown(async (defer) => {
    const net = await runNet(defer)
    const dir = await runDir(defer, 'convergence')
    const cluster = await startLedgerCluster({
      net,
      dir,
      writers: opts.writers,
      followers: opts.followers ?? 0,
      indexers: opts.indexers ?? config.indexers,
      accounts: config.accounts,
      execArgv: opts.execArgv,
      forceAckMs: config.forceAckMs,
      ackInterval: config.ackIntervalMs,
      maxPending: config.maxPending,
      defer,
      timeoutMs
    })
    const slices = workloadSlices(config, opts.writers, opts.txs)
    const prepared = await Promise.all(
      cluster.writers.map((p, w) => p.call('prepare', { slices: [slices[w]] }))
    )
    const bytes = prepared.reduce((n, p) => n + p.bytes, 0)
    const totalTxs = opts.writers * opts.txs
    const length = cluster.setupLength + totalTxs

    // Timed: from the first submit until every node holds the same final head at the full length.
    await Promise.all(cluster.peers.map((p) => p.call('markCpu')))
    const finals = Promise.all(
      cluster.peers.map((p) => p.call('waitLength', { length, final: true, timeoutMs }))
    )
    const visibles = Promise.all(
      cluster.peers.map((p) => p.call('waitLength', { length, final: false, timeoutMs }))
    )
    // If a submit fails, these reject at teardown: report the submit's error, not theirs.
    for (const waiting of [finals, visibles]) waiting.catch(() => {})
    const submitted = await Promise.all(
      cluster.writers.map((p) => p.call('run', { window: config.window }))
    )
    const heads = await finals
    const seen = await visibles
    const start = Math.min(...submitted.map((s) => s.firstSubmitAt))
    const ms = Math.max(...heads.map((h) => h.at)) - start

    // Sanity: complete and identical everywhere, and every transaction accepted.
    const finalHash = checkHeads(heads, length)
    const rejected = await cluster.peers[0].call('rejected')
    if (rejected !== 0)
      throw new SanityError(
        `${rejected} transactions were rejected; the bench workload should all be accepted`
      )
    const stats = await Promise.all(cluster.peers.map((p) => p.call('stats')))
    const closed =
      opts.compact === true
        ? await Promise.all(cluster.peers.map((p) => p.call('close', { compact: true })))
        : []
    return {
      writers: opts.writers,
      nodes: cluster.peers.length,
      totalTxs,
      bytes,
      ms,
      txPerSec: totalTxs / (ms / 1000),
      mbPerSec: bytes / 1e6 / (ms / 1000),
      submitMs: Math.max(...submitted.map((s) => s.lastAcceptedAt)) - start,
      visibleMs: Math.max(...seen.map((h) => h.at)) - start,
      finalHash,
      length,
      reorders: heads.map((h) => h.reorders),
      fastForwards: heads.map((h) => h.fastForwards),
      busy: submitted.map((s) => s.busy),
      cpuUsPerTx: heads.map((h) => (1000 * (h.cpuMs ?? NaN)) / totalTxs),
      stats,
      closed
    }
  })
}

export interface LocalRun {
  totalTxs: number
  ms: number
  txPerSec: number
  mbPerSec: number
  finalHash: string
}

/** The local ceiling: one node, no network, applying the same transactions as all W writers. */
export async function localRun(
  ctx: BenchContext,
  writers: number,
  txs: number,
  execArgv: string[] = []
): Promise<LocalRun> {
  const { config } = ctx
  const timeoutMs = runTimeout(config)
  return withTeardown(async (defer) => {
    const dir = await runDir(defer, 'local')
    const peer = PeerProcess.start<LedgerPeerApi>(defer, 'ledger', { name: 'local', execArgv })
    await peer.call('open', { dir: path.join(dir, 'node'), bootstrap: null })
    await peer.call('submit', { txs: setupTransactions([], config.accounts, 1) })
    const base = setupLength(1, config.accounts)
    await peer.call('waitLength', { length: base, final: true, timeoutMs })
    const { bytes } = await peer.call('prepare', { slices: workloadSlices(config, writers, txs) })
    const totalTxs = writers * txs
    const length = base + totalTxs

    const waiting = peer.call('waitLength', { length, final: true, timeoutMs })
    const { firstSubmitAt } = await peer.call('run', { window: config.window })
    const head = await waiting
    const ms = head.at - firstSubmitAt

    assertEqual('final length', head.finalLength, length)
    const rejected = await peer.call('rejected')
    if (rejected !== 0)
      throw new SanityError(`${rejected} transactions were rejected in the local run`)
    return {
      totalTxs,
      ms,
      txPerSec: totalTxs / (ms / 1000),
      mbPerSec: bytes / 1e6 / (ms / 1000),
      finalHash: head.finalHash
    }
  })
}

export async function convergenceScenario(
  ctx: BenchContext
): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const runs: Array<{ network: ConvergenceRun; local: LocalRun }> = []
  for (let r = 0; r < config.runs; r++) {
    const local = await localRun(ctx, config.writers, config.txs)
    ctx.log(`  local ceiling: ${local.txPerSec.toFixed(0)} tx/s`)
    const network = await convergenceRun(ctx, {
      writers: config.writers,
      txs: config.txs,
      compact: true
    })
    ctx.log(
      `  ${config.writers} writers: ${network.txPerSec.toFixed(0)} tx/s (${(network.ms / 1000).toFixed(1)} s, visible everywhere at ${(network.visibleMs / 1000).toFixed(1)} s; BUSY retries per writer ${network.busy.join(', ')})`
    )
    runs.push({ network, local })
  }
  const n = runs.map((r) => r.network)
  return {
    name: 'convergence',
    title: `Convergence throughput: ${config.writers} writer processes x ${config.txs} transactions, to the same final head everywhere`,
    ok: true,
    params: {
      writers: config.writers,
      txsPerWriter: config.txs,
      window: config.window,
      indexers: config.indexers,
      accounts: config.accounts,
      txBytes: n[0].bytes / n[0].totalTxs
    },
    figures: {
      txPerSec: figure(
        'ledger over the network',
        'tx/s',
        n.map((x) => x.txPerSec),
        'higher',
        { value: 12_000, text: '>= 12,000 tx/s' }
      ),
      mbPerSec: figure(
        'ledger over the network',
        'MB/s',
        n.map((x) => x.mbPerSec),
        'higher'
      ),
      seconds: figure(
        'first submit to final everywhere',
        's',
        n.map((x) => x.ms / 1000),
        'lower'
      ),
      visibleSeconds: figure(
        'first submit to full length everywhere (not final)',
        's',
        n.map((x) => x.visibleMs / 1000),
        'lower'
      ),
      submitSeconds: figure(
        'first submit to last submit accepted',
        's',
        n.map((x) => x.submitMs / 1000),
        'lower'
      ),
      localTxPerSec: figure(
        'one node alone, no network (local ceiling)',
        'tx/s',
        runs.map((r) => r.local.txPerSec),
        'higher',
        { value: 30_000, text: '>= 30,000 tx/s' }
      ),
      localRatio: figure(
        'network / local ceiling',
        '%',
        runs.map((r) => (100 * r.network.txPerSec) / r.local.txPerSec),
        'higher',
        { value: 40, text: '>= 40 %' }
      ),
      reorders: figure(
        'view reorders per node (max)',
        '',
        n.map((x) => Math.max(...x.reorders)),
        'lower'
      ),
      fastForwards: figure(
        'fast-forwards per node (max)',
        '',
        n.map((x) => Math.max(...x.fastForwards)),
        'lower'
      ),
      peakRss: figure(
        'peak RSS per node (max)',
        'MB',
        n.map((x) => Math.max(...x.stats.map((s) => s.maxRssBytes)) / 1e6),
        'lower'
      )
    },
    runs,
    notes: []
  }
}
