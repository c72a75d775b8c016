import { newEncryptionKey } from '../../lib/index.js'
import type { BenchContext } from '../harness/context.js'
import { pairedFigures } from '../harness/report.js'
import type { ScenarioReport, Figure, PairedMeasure } from '../harness/report.js'
import { durabilityRun, DURABILITY_CLIENTS } from './durability.js'
import type { DurabilityRun } from './durability.js'

/**
 * What encryption costs a private ledger: the durability scenario's three phases (one node, no
 * network, durable), in each run once on a private ledger and once on a plain one, in
 * alternating order, each figure also as the ratio of the two within the same run.
 */
export async function privateScenario(ctx: BenchContext): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const runs: Array<{ private: DurabilityRun; plain: DurabilityRun }> = []
  for (let r = 0; r < config.runs; r++) {
    const run = (encrypted: boolean): Promise<DurabilityRun> =>
      durabilityRun(ctx, true, encrypted ? newEncryptionKey().toString('hex') : null)
    const first = await run(r % 2 === 0)
    const second = await run(r % 2 !== 0)
    const [secret, plain] = r % 2 === 0 ? [first, second] : [second, first]
    runs.push({ private: secret, plain })
    ctx.log(
      `  private / plain: windowed ${secret.windowTxPerSec.toFixed(0)} / ${plain.windowTxPerSec.toFixed(0)} tx/s; one client p50 ${secret.sequential.p50.toFixed(2)} / ${plain.sequential.p50.toFixed(2)} ms; ${DURABILITY_CLIENTS} clients ${secret.clientsTxPerSec.toFixed(0)} / ${plain.clientsTxPerSec.toFixed(0)} tx/s`
    )
  }
  const both = (measure: PairedMeasure<DurabilityRun>): Record<string, Figure> =>
    pairedFigures(
      runs,
      ['private', 'plain'],
      { private: 'private', plain: 'plain', ratio: 'private / plain (same run)' },
      measure
    )
  return {
    name: 'private',
    title: 'Private ledgers: one node, no network, with and without encryption',
    ok: true,
    params: { windowTxs: config.txs, window: config.window, clients: DURABILITY_CLIENTS },
    figures: {
      ...both({
        key: 'window',
        label: `windowed submits (window ${config.window}) to final`,
        unit: 'tx/s',
        better: 'higher',
        pick: (r) => r.windowTxPerSec
      }),
      ...both({
        key: 'sequentialP50',
        label: 'one client, submit latency p50',
        unit: 'ms',
        better: 'lower',
        pick: (r) => r.sequential.p50
      }),
      ...both({
        key: 'clientsTxPerSec',
        label: `${DURABILITY_CLIENTS} clients`,
        unit: 'tx/s',
        better: 'higher',
        pick: (r) => r.clientsTxPerSec
      })
    },
    runs,
    notes: []
  }
}
