import test from 'brittle'
import { seedFromEnv } from './helpers/random.js'
import { runPartition } from './reliability/partition.js'

test('partition - cut apart, conflicting writes on every side, heal: one ledger, value conserved, finality kept', { timeout: 240_000 }, async t => {
  const seed = seedFromEnv()
  t.comment(`seed ${seed} (replay with AUTOLEDGER_SEED=${seed})`)
  const report = await runPartition({ rounds: 4, seed })
  for (const c of report.checks) t.ok(c.ok, c.name + (c.detail === undefined || c.detail === '' ? '' : `: ${c.detail}`))
  t.is(report.tried.partitions, 4, 'four cuts, each node alone once and all three apart')
  t.comment(JSON.stringify({ tried: report.tried, figures: report.figures }))
})
