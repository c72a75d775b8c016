import path from 'path'
import fs from 'fs'
import { spawnSync } from 'child_process'
import { fileURLToPath } from 'url'
import { PeerProcess } from '../harness/peer-process.js'
import {
  runDir,
  runTimeout,
  timeToDone,
  withTeardown,
  assertSame,
  assertEqual
} from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { generateWorkload, workloadSlices } from '../harness/workload.js'
import { encodeTransaction } from '../harness/encode.js'
import { figure, ratioFigure } from '../harness/report.js'
import type { ScenarioReport, Figure } from '../harness/report.js'
import type { PeerBase } from '../peer/protocol.js'

/** bench/orbitdb in the source tree: its own package, installed on first use. */
const ORBITDB_DIR = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bench',
  'orbitdb'
)

interface OrbitPeerApi extends PeerBase {
  open(p: { dir: string }): Promise<{ addrs: string[] }>
  dial(p: { addrs: string[] }): Promise<void>
  openDb(p: { address?: string }): Promise<{ address: string }>
  waitSubscribers(p: { count: number; timeoutMs: number }): Promise<void>
  prepare(p: { values: Uint8Array[] }): Promise<{ count: number }>
  run(): Promise<{ firstSubmitAt: number; lastAcceptedAt: number }>
  waitCount(p: {
    count: number
    timeoutMs: number
  }): Promise<{ at: number; entries: number; heads: string[] }>
}

/** Install bench/orbitdb's own dependencies from its lockfile if they are not there yet. */
function ensureInstalled(ctx: BenchContext): { version: string } {
  const pkg = path.join(ORBITDB_DIR, 'node_modules', '@orbitdb', 'core', 'package.json')
  if (!fs.existsSync(pkg)) {
    ctx.log('  installing bench/orbitdb (npm ci)')
    const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: ORBITDB_DIR,
      stdio: ['ignore', 2, 2]
    })
    if (res.status !== 0) throw new Error('npm ci in bench/orbitdb failed')
  }
  return { version: (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version: string }).version }
}

export interface OrbitRun {
  totalTxs: number
  bytes: number
  ms: number
  txPerSec: number
}

async function orbitRun(ctx: BenchContext, writers: number, txs: number): Promise<OrbitRun> {
  const timeoutMs = runTimeout(ctx.config)
  return withTeardown(async (defer) => {
    const dir = await runDir(defer, 'orbitdb')
    const peers = Array.from({ length: writers }, (_, i) =>
      PeerProcess.start<OrbitPeerApi>(defer, 'orbitdb', {
        name: `orbitdb-${i}`,
        program: path.join(ORBITDB_DIR, 'peer.mjs')
      })
    )
    const opened = await Promise.all(
      peers.map((p, i) => p.call('open', { dir: path.join(dir, `node-${i}`) }))
    )
    for (let i = 1; i < writers; i++)
      await peers[i].call('dial', { addrs: opened.slice(0, i).flatMap((o) => o.addrs) })
    const { address } = await peers[0].call('openDb', {})
    await Promise.all(peers.slice(1).map((p) => p.call('openDb', { address })))
    await Promise.all(
      peers.map((p) => p.call('waitSubscribers', { count: writers - 1, timeoutMs }))
    )
    const slices = workloadSlices(ctx.config, writers, txs).map((spec) =>
      generateWorkload(spec).map(encodeTransaction)
    )
    await Promise.all(peers.map((p, i) => p.call('prepare', { values: slices[i] })))
    const total = writers * txs

    const { done, ms } = await timeToDone(
      () => Promise.all(peers.map((p) => p.call('waitCount', { count: total, timeoutMs }))),
      () => Promise.all(peers.map((p) => p.call('run')))
    )

    for (const d of done) assertEqual('OrbitDB entries', d.entries, total)
    assertSame(
      'OrbitDB heads',
      done.map((d) => d.heads.join(','))
    )
    const bytes = slices.flat().reduce((n, v) => n + v.byteLength, 0)
    return { totalTxs: total, bytes, ms, txPerSec: total / (ms / 1000) }
  })
}

export async function orbitdbScenario(
  ctx: BenchContext,
  earlier: Map<string, ScenarioReport>
): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const { version } = ensureInstalled(ctx)
  const runs: OrbitRun[] = []
  for (let r = 0; r < config.runs; r++) {
    runs.push(await orbitRun(ctx, config.writers, config.orbitdbTxs))
    ctx.log(`  OrbitDB ${version}: ${runs[r].txPerSec.toFixed(0)} tx/s`)
  }
  const figures: Record<string, Figure> = {
    txPerSec: figure(
      `OrbitDB ${version} events db, ${config.writers} writers x ${config.orbitdbTxs}`,
      'tx/s',
      runs.map((x) => x.txPerSec),
      'higher'
    )
  }
  const ledger = earlier.get('convergence')?.figures.txPerSec
  const ratio = ratioFigure('ledger / OrbitDB', ledger, figures.txPerSec, {
    value: 100,
    text: '>= 100x'
  })
  if (ratio !== null) figures.ledgerVsOrbitdb = ratio
  return {
    name: 'orbitdb',
    title: `OrbitDB ${version} (Node ${process.version}): the same transactions between ${config.writers} processes, libp2p TCP on 127.0.0.1 only`,
    ok: true,
    params: {
      orbitdb: version,
      writers: config.writers,
      txsPerWriter: config.orbitdbTxs,
      node: process.version
    },
    figures,
    runs,
    notes: [
      'OrbitDB 4 declares Node >= 22; on Node 20 it runs with a Promise.withResolvers polyfill and a Helia node composed from @helia/utils with bitswap only',
      'timed from the first add until every peer holds every entry (same heads everywhere); OrbitDB has no finality to wait for'
    ]
  }
}
