import path from 'path'
import { tempDir } from '../../test/helpers/temp.js'
import type { BenchContext } from '../harness/context.js'
import { summarizeProfiles } from '../harness/profile.js'
import type { ProfileSummary } from '../harness/profile.js'
import { convergenceRun, localRun } from './convergence.js'

const cpuProf = (dir: string, name: string): string[] => [
  '--cpu-prof',
  '--cpu-prof-dir',
  dir,
  '--cpu-prof-name',
  `${name}.cpuprofile`
]

/**
 * One extra convergence run and one extra local-ceiling run with `--cpu-prof` on every peer
 * process, each summarized as self time by package. The raw profiles stay in a temporary
 * directory (logged) to open in Chrome DevTools.
 */
export async function profileRun(ctx: BenchContext): Promise<ProfileSummary[]> {
  const { config } = ctx
  const tmp = await tempDir('bench-profile')
  const networkDir = path.join(tmp.dir, 'convergence')
  const localDir = path.join(tmp.dir, 'local')
  ctx.log(
    `[profile] convergence ${config.writers} x ${config.txs} and the local ceiling with --cpu-prof; profiles in ${tmp.dir}`
  )
  const run = await convergenceRun(ctx, {
    writers: config.writers,
    txs: config.txs,
    execArgv: (i) => cpuProf(networkDir, `ledger-${i}${i === 0 ? '-admin-indexer' : '-writer'}`)
  })
  ctx.log(`  profiled convergence: ${run.txPerSec.toFixed(0)} tx/s`)
  const local = await localRun(ctx, config.writers, config.txs, cpuProf(localDir, 'local'))
  ctx.log(`  profiled local ceiling: ${local.txPerSec.toFixed(0)} tx/s`)
  return [
    await summarizeProfiles(
      networkDir,
      `convergence ${config.writers} x ${config.txs}, all ${run.nodes} processes (${run.txPerSec.toFixed(0)} tx/s while profiled)`
    ),
    await summarizeProfiles(
      localDir,
      `local ceiling, one process applying ${local.totalTxs} transactions (${local.txPerSec.toFixed(0)} tx/s while profiled)`
    )
  ]
}
