import fs from 'fs/promises'
import path from 'path'
import { seededReport } from './report.js'
import { CONVERGE_TIMEOUT_MS } from '../helpers/timeouts.js'
import type { Report } from './report.js'
import { Cluster, checkAcknowledged, fund, replayAndAudit } from './cluster.js'
import { Load, POOL } from './load.js'
import { median, percentile } from '../../bench/harness/stats.js'
import { directoryBytes } from '../helpers/disk.js'
import { pause } from '../helpers/wait.js'
import type { StatusJson } from '../../lib/api/operations.js'

export interface SteadyOptions {
  /** How long the load runs (ms). */
  durationMs: number
  seed: number
  /** Samples taken over the run (at least 4). Default 20. */
  samples?: number
  onSample?: (sample: Sample, index: number, of: number) => void
}

export interface Sample {
  /** Seconds since the load started. */
  at: number
  /** Transactions acknowledged per second in this interval. */
  txPerSec: number
  /** Submit round trips in this interval (ms). */
  p50Ms: number
  p99Ms: number
  /** Largest resident set of the three daemons (MiB). */
  rssMiB: number
  /** Bytes on disk of one daemon's store, per ledger entry. */
  bytesPerEntry: number
  entries: number
  /** Entries not final yet, on the daemon furthest behind: how far finality lags. */
  unsigned: number
  /** View truncations (re-applied tails) summed over the daemons since they started. */
  reorders: number
  /** Own transactions not final yet, on the daemon with the most (submits wait past its maxPending). */
  pending: number
  /** The slowest status reply of the daemons (ms): how busy their event loops are. */
  statusMs: number
}

/** Throughput and latency in the last quarter against the first; RSS and bytes per entry likewise. */
const FLAT = { throughput: 0.5, latency: 2, rss: 2, bytesPerEntry: 2 }
/** Shorter runs report the ratios without judging them: a few samples on a noisy machine say little. */
const JUDGE_FLATNESS_MS = 5 * 60_000

/**
 * Three daemons under steady mixed load (puts, transfers, conflicting pool transfers) for a set
 * time, sampled at even intervals. Holds when throughput and latency stay flat, memory stays
 * bounded and storage grows in proportion to the entries, and the ledger ends identical everywhere.
 */
export async function runSteady({
  durationMs,
  seed,
  samples = 20,
  onSample
}: SteadyOptions): Promise<Report> {
  const { report, rnd } = seededReport('steady load', seed)
  report.figures.durationS = Math.round(durationMs / 1000)
  const cluster = await Cluster.start({ size: 3 })
  const taken: Sample[] = []
  try {
    await fund(cluster, POOL, 10n ** 15n)
    const load = new Load(cluster.daemons, rnd)
    const started = Date.now()
    load.start()
    const count = Math.max(4, samples)
    let acks = 0
    let lat = 0
    for (let i = 1; i <= count; i++) {
      await untilTime(started + (durationMs * i) / count)
      const statuses = await statusOfAll(cluster)
      if (statuses === null)
        throw new Error(
          `a daemon stopped answering after ${Math.round((Date.now() - started) / 1000)} s:\n${await cluster.describe()}\n${cluster.logs(12)}`
        )
      const window = load.latencies.slice(lat)
      const elapsed =
        (Date.now() - (taken.length > 0 ? started + taken[taken.length - 1].at * 1000 : started)) /
        1000
      const sample: Sample = {
        at: (Date.now() - started) / 1000,
        txPerSec: (load.acks.length - acks) / elapsed,
        p50Ms: window.length === 0 ? 0 : percentile(window, 50),
        p99Ms: window.length === 0 ? 0 : percentile(window, 99),
        rssMiB: Math.max(
          ...(await Promise.all(cluster.daemons.map((d) => rss(d.proc?.child.pid))))
        ),
        ...(await ledgerFigures(cluster, statuses))
      }
      acks = load.acks.length
      lat = load.latencies.length
      taken.push(sample)
      onSample?.(sample, i, count)
    }
    await load.stop()
    load.record(report)
    report.count('samples', taken.length)

    const q = Math.max(1, Math.floor(taken.length / 4))
    const first = taken.slice(1, 1 + q) // the first sample includes start-up
    const last = taken.slice(-q)
    const ratio = (f: (s: Sample) => number): number =>
      median(last.map(f)) / Math.max(median(first.map(f)), 1e-9)
    const tput = ratio((s) => s.txPerSec)
    const p50 = ratio((s) => s.p50Ms)
    const mem = ratio((s) => s.rssMiB)
    const bpe = ratio((s) => s.bytesPerEntry)
    Object.assign(report.figures, {
      txPerSecFirst: Math.round(median(first.map((s) => s.txPerSec))),
      txPerSecLast: Math.round(median(last.map((s) => s.txPerSec))),
      p50MsFirst: median(first.map((s) => s.p50Ms)),
      p50MsLast: median(last.map((s) => s.p50Ms)),
      rssMiBFirst: median(first.map((s) => s.rssMiB)),
      rssMiBLast: median(last.map((s) => s.rssMiB)),
      bytesPerEntryFirst: Math.round(median(first.map((s) => s.bytesPerEntry))),
      bytesPerEntryLast: Math.round(median(last.map((s) => s.bytesPerEntry)))
    })
    Object.assign(report.figures, {
      throughputRatio: tput.toFixed(2),
      p50Ratio: p50.toFixed(2),
      rssRatio: mem.toFixed(2),
      bytesPerEntryRatio: bpe.toFixed(2)
    })
    if (durationMs >= JUDGE_FLATNESS_MS) {
      report.check(
        `throughput stays flat (last quarter at least ${FLAT.throughput}x the first)`,
        tput >= FLAT.throughput,
        `${tput.toFixed(2)}x`
      )
      report.check(
        `latency stays flat (p50 of the last quarter at most ${FLAT.latency}x the first)`,
        p50 <= FLAT.latency,
        `${p50.toFixed(2)}x`
      )
      report.check(
        `memory stays bounded (RSS of the last quarter at most ${FLAT.rss}x the first)`,
        mem <= FLAT.rss,
        `${mem.toFixed(2)}x`
      )
      report.check(
        `storage grows in proportion to the ledger (bytes per entry at most ${FLAT.bytesPerEntry}x the first)`,
        bpe <= FLAT.bytesPerEntry,
        `${bpe.toFixed(2)}x`
      )
    }

    const { head } = await cluster.converged(CONVERGE_TIMEOUT_MS)
    report.figures.entries = head.length
    report.check(
      'all nodes end with the same final head hash',
      true,
      `${head.length} entries, ${head.hash.slice(0, 16)}`
    )
    await checkAcknowledged(cluster, load.acks, report, { identical: false })
    await replayAndAudit(cluster, head, report)
  } finally {
    await cluster.destroy()
  }
  return report
}

/** Every daemon's status and how long the slowest took, or null if one did not answer within the client's timeout. */
async function statusOfAll(cluster: Cluster): Promise<{ all: StatusJson[]; ms: number } | null> {
  const started = Date.now()
  try {
    const all = await Promise.all(cluster.daemons.map((d) => d.api().status()))
    return { all, ms: Date.now() - started }
  } catch {
    return null
  }
}

/** Resolve at a moment of the schedule (the soak samples on a clock, by design). */
async function untilTime(at: number): Promise<void> {
  await pause(at - Date.now())
}

async function rss(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0
  try {
    const status = await fs.readFile(`/proc/${pid}/status`, 'utf8')
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    return Math.round(kb / 1024)
  } catch {
    return 0 // not Linux, or the process is gone
  }
}

async function ledgerFigures(
  cluster: Cluster,
  { all, ms }: { all: StatusJson[]; ms: number }
): Promise<Omit<Sample, 'at' | 'txPerSec' | 'p50Ms' | 'p99Ms' | 'rssMiB'>> {
  const entries = all[0].length
  const bytes = await directoryBytes(path.join(cluster.daemons[0].dir, 'store'))
  return {
    bytesPerEntry: entries === 0 ? 0 : Math.round(bytes / entries),
    entries,
    unsigned: Math.max(...all.map((s) => s.length - s.finalLength)),
    reorders: all.reduce((n, s) => n + s.reorders, 0),
    pending: Math.max(...all.map((s) => s.pending)),
    statusMs: ms
  }
}
