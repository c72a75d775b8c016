import type { BenchContext } from '../harness/context.js'
import { figure } from '../harness/report.js'
import { median } from '../harness/stats.js'
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
        `  ${writers} writer(s) x ${txs}: ${run.txPerSec.toFixed(0)} tx/s (${(run.ms / 1000).toFixed(1)} s, reorders up to ${Math.max(...run.reorders)}, CPU ${median(run.cpuUsPerTx).toFixed(0)} µs/tx per node)`
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
    figures[`cpu${writers}`] = figure(
      `apply CPU per tx per node, ${writers} writer${writers === 1 ? ' + 1 follower' : 's'}`,
      'µs',
      results.map((x) => median(x.cpuUsPerTx)),
      'lower'
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
      'higher'
    )
    figures.cpuRatio = figure(
      `apply CPU per tx per node, ${most} writers / 2 writers`,
      'x',
      [figures[`cpu${most}`].spread.median / figures.cpu2.spread.median],
      'lower',
      most === 16 ? { value: 1.5, text: '<= 1.5x' } : undefined
    )
  }
  notes.push(
    'every writer is a full node that applies every transaction: on a machine with fewer cores than writers the processes share the CPU',
    "apply CPU: each node process's CPU time (user + system, all threads: submits, replication, applies and re-applies) from the first submit until it holds the final head, divided by the transactions in the run; the median over nodes"
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
