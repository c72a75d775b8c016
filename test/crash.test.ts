import test from 'brittle'
import { testSeed } from './helpers/random.js'
import { assertChecks } from './reliability/assert.js'
import { runCrash } from './reliability/crash.js'

test(
  'crash - 12 SIGKILLs of the indexer and two writers under load lose no acknowledged write; a replay of the writer logs gives the same ledger',
  { timeout: 300_000 },
  async (t) => {
    const seed = testSeed(t)
    const report = await runCrash({
      kills: 12,
      seed,
      indexers: 1,
      onKill: (k, of, ms) => {
        if (process.env.AUTOLEDGER_VERBOSE) t.comment(`kill ${k}/${of}, restarted in ${ms} ms`)
      }
    })
    assertChecks(t, report)
    t.ok(report.tried.kills >= 12, `${report.tried.kills} kills`)
    t.ok(
      report.tried['transactions acknowledged'] > 0,
      `${report.tried['transactions acknowledged']} acknowledged`
    )
    t.comment(JSON.stringify({ tried: report.tried, figures: report.figures }))
  }
)
