import path from 'path'
import b4a from 'b4a'
import { PeerProcess } from '../harness/peer-process.js'
import type { LedgerPeerApi } from '../peer/ledger-peer.js'
import { runDir, runTimeout, withTeardown, SanityError } from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { setupTransactions, setupLength, workloadSlices } from '../harness/workload.js'
import { now } from '../harness/clock.js'
import { figure } from '../harness/report.js'
import type { ScenarioReport, Figure } from '../harness/report.js'
import { verifyEntryProof } from '../../lib/index.js'

/** Positions proven per ledger: both ends, the middle, and evenly spaced ones between. */
const SAMPLES = 32
/** Times each proof is checked, to time a check above the clock's resolution. */
const CHECKS = 20

export interface ProofRun {
  entries: number
  sizes: number[]
  proveMs: number[]
  /** One check of one proof by `verifyEntryProof`, no store. */
  verifyMs: number[]
}

/** One node alone builds a ledger of each size (untimed); then it proves entries across it, and the runner checks each proof. */
export async function proofsScenario(ctx: BenchContext): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const lengths = config.smoke ? [200] : [1_000, config.proofEntries]
  const runs: ProofRun[] = []
  for (const entries of lengths) runs.push(await proofRun(ctx, entries))
  const figures: Record<string, Figure> = {}
  for (const r of runs) {
    const at = r.entries.toLocaleString('en-US')
    figures[`size${r.entries}`] = figure(`proof size at ${at} entries`, 'bytes', r.sizes, 'lower')
    figures[`prove${r.entries}`] = figure(`prove one entry at ${at}`, 'ms', r.proveMs, 'lower')
    figures[`verify${r.entries}`] = figure(`check one proof at ${at}`, 'ms', r.verifyMs, 'lower')
  }
  return {
    name: 'proofs',
    title: 'Entry proofs: size, time to prove, time to check with no store',
    ok: true,
    params: { lengths, samples: SAMPLES },
    figures,
    runs: runs.map((r) => ({ entries: r.entries, maxSize: Math.max(...r.sizes) })),
    notes: ['each figure is over the sampled positions of one ledger, not over runs']
  }
}

async function proofRun(ctx: BenchContext, entries: number): Promise<ProofRun> {
  const { config } = ctx
  const timeoutMs = runTimeout(config, Math.max(600_000, entries * 2))
  return withTeardown(async (defer) => {
    const dir = await runDir(defer, 'proofs')
    const peer = PeerProcess.start<LedgerPeerApi>(defer, 'ledger', { name: `proofs-${entries}` })
    const { key } = await peer.call('open', { dir: path.join(dir, 'node'), bootstrap: null })
    await peer.call('submit', { txs: setupTransactions([], config.accounts, 1) })
    const base = setupLength(1, config.accounts)
    const start = now()
    await peer.call('prepare', { slices: workloadSlices(config, 1, entries - base) })
    await peer.call('run', { window: config.window })
    await peer.call('waitLength', { length: entries, final: true, timeoutMs })
    ctx.log(`  built ${entries} entries in ${((now() - start) / 1000).toFixed(1)} s`)
    const positions = [
      ...new Set(
        Array.from({ length: SAMPLES }, (_, i) => Math.round((i * (entries - 1)) / (SAMPLES - 1)))
      )
    ]
    const proofs = await peer.call('prove', { positions })
    const run: ProofRun = { entries, sizes: [], proveMs: [], verifyMs: [] }
    for (const p of proofs) {
      const bytes = b4a.from(p.proof, 'hex')
      const t0 = now()
      for (let i = 0; i < CHECKS; i++) {
        if (verifyEntryProof(key, bytes).position !== p.position)
          throw new SanityError(`the proof of ${p.position} proves another position`)
      }
      run.verifyMs.push((now() - t0) / CHECKS)
      run.sizes.push(bytes.byteLength)
      run.proveMs.push(p.ms)
    }
    ctx.log(
      `  ${entries} entries: proofs of ${Math.min(...run.sizes)}-${Math.max(...run.sizes)} bytes`
    )
    return run
  })
}
