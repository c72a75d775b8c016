import test from 'brittle'
import { testSeed } from './helpers/random.js'
import { assertChecks } from './reliability/assert.js'
import { runCrashCommands } from './reliability/crash-commands.js'

test(
  'crash with commands - the only indexer SIGKILLed while short-lived commands and HTTP write: one ledger, what the writer logs give',
  { timeout: 240_000 },
  async (t) => {
    const seed = testSeed(t)
    const report = await runCrashCommands({
      kills: 6,
      seed,
      onKill: (k, of, ms) => {
        if (process.env.AUTOLEDGER_VERBOSE) t.comment(`kill ${k}/${of}, restarted in ${ms} ms`)
      }
    })
    assertChecks(t, report)
    t.ok(
      report.tried['daemon kills'] >= 6,
      `${report.tried['daemon kills']} kills of the creator's daemon`
    )
    t.ok(
      report.tried['put commands acknowledged'] > 0,
      `${report.tried['put commands acknowledged']} put commands acknowledged`
    )
    t.ok(
      report.tried['HTTP transactions acknowledged'] > 0,
      `${report.tried['HTTP transactions acknowledged']} HTTP transactions acknowledged`
    )
    t.comment(JSON.stringify({ tried: report.tried, figures: report.figures }))
  }
)
