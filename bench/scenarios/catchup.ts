import fs from 'fs/promises'
import path from 'path'
import { PeerProcess } from '../harness/peer-process.js'
import type { LedgerPeerApi, HeadReport } from '../peer/ledger-peer.js'
import { checkHeads } from '../harness/ledger-cluster.js'
import { runNet, runDir, runTimeout, withTeardown } from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { setupTransactions, setupLength, workloadSlices } from '../harness/workload.js'
import { now } from '../harness/clock.js'
import { figure } from '../harness/report.js'
import type { ScenarioReport, Figure } from '../harness/report.js'

export interface CatchupRun {
  fastForward: boolean
  /** From the follower's open call until it holds the source's final head. */
  ms: number
  entriesPerSec: number
  /** Bytes the follower process received over UDX (replication plus a little DHT traffic). */
  bytesReceived: number
  maxRssBytes: number
  fastForwards: number
}

/**
 * A source node builds a ledger of N entries alone, with no network (untimed), or one kept by an
 * earlier run is reused; then, per run, the source reopens on a fresh loopback DHT and a fresh
 * follower process joins by key, with and/or without fast-forward, timed until it holds the same final head. A fresh DHT per follower keeps
 * departed followers (reachable DHT nodes) from slowing the next one's lookup by seconds.
 */
export async function catchupScenario(ctx: BenchContext): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const entries = config.catchupEntries
  const timeoutMs = runTimeout(config, Math.max(600_000, entries * 2))
  return withTeardown(async (defer) => {
    const root = await runDir(defer, 'catchup')
    const source = await catchupSource(ctx, root, timeoutMs)
    const { key, built, sourceDir } = source
    const verifyRates = source.build?.verifyRates ?? []
    const buildRate = source.build?.rate ?? NaN

    // A mode that fails is a failure of the scenario, but the other mode's figures still stand.
    const runs: CatchupRun[] = []
    const failures = (source.build?.verifyFailures ?? []).map((f) => `verify ${f}`)
    for (let r = 0; r < config.runs; r++) {
      for (const fastForward of config.catchupModes.map((m) => m === 'ff')) {
        const mode = fastForward ? 'with fast-forward' : 'without fast-forward'
        try {
          const run = await follow(ctx, {
            key,
            sourceDir,
            dir: path.join(root, `follower-${r}-${fastForward ? 'ff' : 'full'}`),
            fastForward,
            source: built,
            timeoutMs
          })
          ctx.log(
            `  follower ${mode}: ${(run.ms / 1000).toFixed(2)} s, ${(run.bytesReceived / 1e6).toFixed(1)} MB received, peak RSS ${(run.maxRssBytes / 1e6).toFixed(0)} MB, ${run.fastForwards} fast-forwards`
          )
          runs.push(run)
        } catch (err) {
          ctx.log(`  follower ${mode}: FAILED: ${(err as Error).message}`)
          failures.push(`${mode}, run ${r + 1}: ${(err as Error).message}`)
        }
      }
    }
    const pick = (ff: boolean): CatchupRun[] => runs.filter((x) => x.fastForward === ff)
    const target =
      entries >= 1_000_000
        ? { value: 60, text: '<= 60 s at 1,000,000' }
        : entries >= 100_000
          ? { value: 5, text: '<= 5 s at 100,000' }
          : undefined
    const figures: Record<string, Figure> = {
      ffSeconds: figure(
        'with fast-forward: time to the final head',
        's',
        pick(true).map((x) => x.ms / 1000),
        'lower',
        target
      ),
      ffMegabytes: figure(
        'with fast-forward: bytes received',
        'MB',
        pick(true).map((x) => x.bytesReceived / 1e6),
        'lower'
      ),
      ffRss: figure(
        'with fast-forward: peak RSS',
        'MB',
        pick(true).map((x) => x.maxRssBytes / 1e6),
        'lower',
        { value: 1000, text: '<= 1 GB' }
      ),
      ffFastForwards: figure(
        'with fast-forward: fast-forwards',
        'count',
        pick(true).map((x) => x.fastForwards),
        'higher'
      ),
      fullSeconds: figure(
        'without fast-forward: time to the final head',
        's',
        pick(false).map((x) => x.ms / 1000),
        'lower'
      ),
      fullEntriesPerSec: figure(
        'without fast-forward: entries applied',
        'entries/s',
        pick(false).map((x) => x.entriesPerSec),
        'higher'
      ),
      fullMegabytes: figure(
        'without fast-forward: bytes received',
        'MB',
        pick(false).map((x) => x.bytesReceived / 1e6),
        'lower'
      ),
      verifyEntriesPerSec: figure(
        'verify (a scratch derivation in a worker thread, compared by tree hash)',
        'entries/s',
        verifyRates,
        'higher'
      ),
      verifyVsBuild: figure(
        "verify rate / the build's local submit-and-apply rate, same run",
        'x',
        verifyRates.map((r) => r / buildRate),
        'higher',
        { value: 1, text: '>= 1 (at least the local apply rate)' }
      ),
      fullRss: figure(
        'without fast-forward: peak RSS',
        'MB',
        pick(false).map((x) => x.maxRssBytes / 1e6),
        'lower'
      )
    }
    return {
      name: 'catchup',
      title: `Catch-up: a fresh follower process joins a ledger of ${entries.toLocaleString('en-US')} entries`,
      ok: failures.length === 0,
      ...(failures.length === 0 ? {} : { error: failures.join('; ') }),
      params: {
        entries,
        fastForwardOption: 'LedgerNode fastForward (autobase fastForward)',
        sourceBuiltInThisRun: source.build !== null
      },
      figures,
      runs,
      notes: failures.map((f) => `failed: ${f} (see stderr for the peer's stack)`)
    }
  })
}

async function follow(
  ctx: BenchContext,
  opts: {
    key: string
    sourceDir: string
    dir: string
    fastForward: boolean
    source: HeadReport
    timeoutMs: number
  }
): Promise<CatchupRun> {
  return withTeardown(async (defer) => {
    const net = await runNet(defer)
    const source = PeerProcess.start<LedgerPeerApi>(defer, 'ledger', { name: 'catchup-source' })
    await source.call('open', { dir: opts.sourceDir, key: opts.key, bootstrap: net.bootstrap })
    await source.call('flushed')
    const follower = PeerProcess.start<LedgerPeerApi>(defer, 'ledger', {
      name: `follower${opts.fastForward ? '-ff' : ''}`
    })
    await follower.call('stats') // the process is up: spawning it is not part of the timing

    const start = now()
    const { length, finalHash } = opts.source
    await follower.call('open', {
      dir: opts.dir,
      key: opts.key,
      bootstrap: net.bootstrap,
      fastForward: opts.fastForward
    })
    const head = await follower.call('waitLength', {
      length,
      final: true,
      hash: finalHash,
      timeoutMs: opts.timeoutMs
    })
    const ms = head.at - start

    checkHeads([opts.source, head], length)
    const stats = await follower.call('stats')
    if (head.reorders > 0) ctx.log(`    (${head.reorders} reorders on the follower)`)
    return {
      fastForward: opts.fastForward,
      ms,
      entriesPerSec: length / (ms / 1000),
      bytesReceived: stats.udxBytesReceived,
      maxRssBytes: stats.maxRssBytes,
      fastForwards: head.fastForwards
    }
  })
}

interface CatchupSource {
  key: string
  built: HeadReport
  /** The source's store. */
  sourceDir: string
  /** The build's figures, when this run built the source (null: reused from an earlier run). */
  build: { rate: number; verifyRates: number[]; verifyFailures: string[] } | null
}

/** What a kept source directory records about the ledger in it, beside its store. */
interface SourceRecord {
  entries: number
  seed: number
  accounts: number
  key: string
  built: HeadReport
}

/**
 * The source ledger: reused from `--catchup-source` when that holds one built with the same
 * parameters, else built alone with no network (untimed) and, with `--catchup-source`, recorded
 * there for later runs (unverified: building it is the only long part).
 */
async function catchupSource(
  ctx: BenchContext,
  root: string,
  timeoutMs: number
): Promise<CatchupSource> {
  const { config } = ctx
  const entries = config.catchupEntries
  const keep = config.catchupSource
  const sourceDir = path.join(keep ?? root, 'source')
  const recordFile = keep === null ? null : path.join(keep, 'source.json')
  const wanted = { entries, seed: config.seed, accounts: config.accounts }
  if (recordFile !== null) {
    const record = await readRecord(recordFile)
    if (record !== null) {
      const same = (Object.keys(wanted) as Array<keyof typeof wanted>).every(
        (k) => record[k] === wanted[k]
      )
      if (!same)
        throw new Error(
          `--catchup-source ${keep} holds a source of ${record.entries} entries (seed ${record.seed}, ${record.accounts} accounts): name another directory`
        )
      ctx.log(`  source: reusing the ${entries} entries built in an earlier run`)
      return { key: record.key, built: record.built, sourceDir, build: null }
    }
    const present = await fs.readdir(keep!).catch(() => [])
    if (present.length > 0)
      throw new Error(
        `--catchup-source ${keep} is not empty and holds no source: name another directory`
      )
    await fs.mkdir(keep!, { recursive: true })
  }
  return withTeardown(async (deferBuild) => {
    const source = PeerProcess.start<LedgerPeerApi>(deferBuild, 'ledger', {
      name: 'catchup-source'
    })
    const { key } = await source.call('open', { dir: sourceDir, bootstrap: null })
    await source.call('submit', { txs: setupTransactions([], config.accounts, 1) })
    const base = setupLength(1, config.accounts)
    const buildStart = now()
    await source.call('prepare', { slices: workloadSlices(config, 1, entries - base) })
    await source.call('run', { window: config.window })
    const built = await source.call('waitLength', { length: entries, final: true, timeoutMs })
    const buildMs = now() - buildStart
    ctx.log(`  source built ${entries} entries in ${(buildMs / 1000).toFixed(1)} s`)
    // verify re-derives the same ledger locally: its rate against the build's (submit and apply) in this run.
    const verifyRates: number[] = []
    const verifyFailures: string[] = []
    // A kept source is for follower runs: verify's figures come from runs that build their own.
    for (let r = 0; keep === null && r < config.runs; r++) {
      const v = await source.call('verify', {})
      if (v.result !== 'identical') verifyFailures.push(`run ${r + 1}: ${v.result}`)
      verifyRates.push((v.length * 1000) / v.ms)
      ctx.log(`  verify: ${v.result}, ${v.length} entries in ${(v.ms / 1000).toFixed(1)} s`)
    }
    await source.call('close', { compact: false })
    if (recordFile !== null) {
      const record: SourceRecord = { ...wanted, key, built }
      await fs.writeFile(recordFile, JSON.stringify(record))
    }
    const rate = ((entries - base) * 1000) / buildMs
    return { key, built, sourceDir, build: { rate, verifyRates, verifyFailures } }
  })
}

async function readRecord(file: string): Promise<SourceRecord | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as SourceRecord
  } catch {
    return null
  }
}
