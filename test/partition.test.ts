import test from 'brittle'
import { testSeed } from './helpers/random.js'
import { assertChecks } from './reliability/assert.js'
import { runPartition } from './reliability/partition.js'

test(
  'partition - cut apart, conflicting writes on every side, heal: one ledger, value conserved, finality kept',
  { timeout: 240_000 },
  async (t) => {
    const seed = testSeed(t)
    const report = await runPartition({ rounds: 4, seed })
    assertChecks(t, report)
    t.is(report.tried.partitions, 4, 'four cuts, each node alone once and all three apart')
    t.comment(JSON.stringify({ tried: report.tried, figures: report.figures }))
  }
)
