import type { BenchContext } from '../harness/context.js'
import { figure } from '../harness/report.js'
import type { ScenarioReport } from '../harness/report.js'
import { convergenceRun } from './convergence.js'
import type { ConvergenceRun } from './convergence.js'

/**
 * Disk bytes per ledger entry on every node (before and after compacting the store) and peak RSS
 * per node process, from the convergence runs of the same bench (or its own runs if those were skipped).
 */
export async function footprintScenario(
  ctx: BenchContext,
  earlier: Map<string, ScenarioReport>
): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const notes: string[] = []
  let runs: ConvergenceRun[]
  const convergence = earlier.get('convergence')
  if (convergence?.ok === true) {
    runs = (convergence.runs as Array<{ network: ConvergenceRun }>).map((r) => r.network)
    notes.push('measured on the nodes of the convergence runs, after they converged')
  } else {
    runs = []
    for (let r = 0; r < config.runs; r++)
      runs.push(
        await convergenceRun(ctx, {
          writers: config.writers,
          txs: config.footprintTxs,
          compact: true
        })
      )
  }
  const perEntry = (pick: (c: ConvergenceRun['closed'][number]) => number | null) =>
    runs.map((run) => {
      const values = run.closed
        .map(pick)
        .filter((v): v is number => v !== null)
        .sort((a, b) => a - b)
      return values[values.length >> 1] / run.length
    })
  const rss = runs.map((run) => run.stats.map((s) => s.maxRssBytes).sort((a, b) => a - b))
  const run0 = runs[0]
  return {
    name: 'footprint',
    title: `Footprint per node: ${run0.nodes} nodes, ${run0.length.toLocaleString('en-US')} entries, ${(run0.bytes / run0.totalTxs).toFixed(0)} transaction bytes per entry`,
    ok: true,
    params: {
      nodes: run0.nodes,
      entries: run0.length,
      txBytesPerEntry: run0.bytes / run0.totalTxs
    },
    figures: {
      diskPerEntry: figure(
        'disk per entry, before compaction (median node)',
        'B',
        perEntry((c) => c.diskBytes),
        'lower'
      ),
      diskPerEntryCompacted: figure(
        'disk per entry, after compaction (median node)',
        'B',
        perEntry((c) => c.diskBytesCompacted),
        'lower'
      ),
      rssMedian: figure(
        'peak RSS per node (median node)',
        'MB',
        rss.map((r) => r[r.length >> 1] / 1e6),
        'lower'
      ),
      rssMax: figure(
        'peak RSS per node (largest)',
        'MB',
        rss.map((r) => r[r.length - 1] / 1e6),
        'lower',
        { value: 250, text: '<= 250 MB' }
      )
    },
    runs: runs.map((r) => ({
      closed: r.closed,
      maxRssBytes: r.stats.map((s) => s.maxRssBytes),
      length: r.length
    })),
    notes
  }
}
