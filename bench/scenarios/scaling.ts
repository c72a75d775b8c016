import type { BenchContext } from '../harness/context.js'
import { figure } from '../harness/report.js'
import type { ScenarioReport, Figure } from '../harness/report.js'
import { convergenceRun } from './convergence.js'
import type { ConvergenceRun } from './convergence.js'

/**
 * The same total of transactions spread over 1, 2, 4, 8 and 16 writer processes. With one writer
 * a follower process is added so that the run still replicates.
 */
export async function scalingScenario(ctx: BenchContext): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const figures: Record<string, Figure> = {}
  const runs: Array<{ writers: number; runs: ConvergenceRun[] }> = []
  for (const writers of config.scalingWriters) {
    const txs = Math.floor(config.scalingTotal / writers)
    const results: ConvergenceRun[] = []
    for (let r = 0; r < config.runs; r++) {
      const run = await convergenceRun(ctx, { writers, txs, followers: writers === 1 ? 1 : 0 })
      ctx.log(
        `  ${writers} writer(s) x ${txs}: ${run.txPerSec.toFixed(0)} tx/s (${(run.ms / 1000).toFixed(1)} s, reorders up to ${Math.max(...run.reorders)})`
      )
      results.push(run)
    }
    runs.push({ writers, runs: results })
    figures[`w${writers}`] = figure(
      `${writers} writer${writers === 1 ? ' + 1 follower' : 's'}`,
      'tx/s',
      results.map((x) => x.txPerSec),
      'higher'
    )
  }
  const notes: string[] = []
  const two = figures.w2
  const most = Math.max(...config.scalingWriters)
  const top = figures[`w${most}`]
  if (two !== undefined && top !== undefined && most > 2) {
    figures.keep = figure(
      `${most} writers / 2 writers`,
      '%',
      [(100 * top.spread.median) / two.spread.median],
      'higher',
      most === 16 ? { value: 70, text: '>= 70 %' } : undefined
    )
  }
  notes.push(
    'every writer is a full node that applies every transaction: on a machine with fewer cores than writers the processes share the CPU'
  )
  return {
    name: 'scaling',
    title: `Scaling: ${config.scalingTotal} transactions in total over ${config.scalingWriters.join('/')} writer processes`,
    ok: true,
    params: {
      total: config.scalingTotal,
      writers: config.scalingWriters,
      indexers: config.indexers
    },
    figures,
    runs,
    notes
  }
}
