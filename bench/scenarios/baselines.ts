import type { BenchContext } from '../harness/context.js'
import { figure, ratioFigure } from '../harness/report.js'
import type { ScenarioReport, Figure } from '../harness/report.js'
import { rawRun } from './raw-hypercore.js'
import type { BaselineRun } from './raw-hypercore.js'
import { naiveRun } from './naive.js'
import type { NaiveRun } from './naive.js'

/** Raw hypercore (2a) and the naive autobase design (2b), each as a ratio to the ledger's figure of the same bench. */
export async function baselinesScenario(
  ctx: BenchContext,
  earlier: Map<string, ScenarioReport>
): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const raw: BaselineRun[] = []
  const rawPerTx: BaselineRun[] = []
  const naive: NaiveRun[] = []
  for (let r = 0; r < config.runs; r++) {
    raw.push(await rawRun(ctx, config.writers, config.txs, true))
    ctx.log(
      `  raw hypercore, packed blocks: ${raw[r].txPerSec.toFixed(0)} tx/s, ${raw[r].mbPerSec.toFixed(1)} MB/s`
    )
    rawPerTx.push(await rawRun(ctx, config.writers, config.rawPerTxTxs, false))
    ctx.log(`  raw hypercore, one block per tx: ${rawPerTx[r].txPerSec.toFixed(0)} tx/s`)
    naive.push(await naiveRun(ctx, config.writers, config.naiveTxs))
    ctx.log(
      `  naive autobase: ${naive[r].txPerSec.toFixed(0)} tx/s (truncations per node: ${naive[r].truncations.join(', ')})`
    )
  }
  const figures: Record<string, Figure> = {
    rawTxPerSec: figure(
      `raw hypercore, same bytes in 64 KiB blocks (${config.txs}/writer)`,
      'tx/s',
      raw.map((x) => x.txPerSec),
      'higher'
    ),
    rawMbPerSec: figure(
      'raw hypercore, packed blocks',
      'MB/s',
      raw.map((x) => x.mbPerSec),
      'higher'
    ),
    rawPerTxTxPerSec: figure(
      `raw hypercore, one block per tx (${config.rawPerTxTxs}/writer)`,
      'tx/s',
      rawPerTx.map((x) => x.txPerSec),
      'higher'
    ),
    naiveTxPerSec: figure(
      `naive autobase, one node + one put per tx (${config.naiveTxs}/writer)`,
      'tx/s',
      naive.map((x) => x.txPerSec),
      'higher'
    ),
    naiveTruncations: figure(
      'naive: view truncations per node (max)',
      '',
      naive.map((x) => Math.max(...x.truncations)),
      'lower'
    )
  }
  const notes: string[] = []
  const ledger = earlier.get('convergence')?.figures.txPerSec
  if (ledger === undefined) {
    notes.push('ratios need the convergence scenario in the same run')
  } else {
    const add = (key: string, f: Figure | null): void => {
      if (f !== null) figures[key] = f
    }
    add(
      'ledgerVsRaw',
      ratioFigure('ledger / raw hypercore (packed blocks)', ledger, figures.rawTxPerSec)
    )
    add(
      'ledgerVsRawPerTx',
      ratioFigure('ledger / raw hypercore (one block per tx)', ledger, figures.rawPerTxTxPerSec)
    )
    add(
      'ledgerVsNaive',
      ratioFigure('ledger / naive design', ledger, figures.naiveTxPerSec, {
        value: 15,
        text: '>= 15x'
      })
    )
  }
  return {
    name: 'baselines',
    title: `Baselines with ${config.writers} writer processes on the same loopback swarm`,
    ok: true,
    params: {
      writers: config.writers,
      rawTxsPerWriter: config.txs,
      rawPerTxTxsPerWriter: config.rawPerTxTxs,
      naiveTxsPerWriter: config.naiveTxs,
      indexers: config.indexers
    },
    figures,
    runs: { raw, rawPerTx, naive },
    notes
  }
}
