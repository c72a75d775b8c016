import test from 'brittle'
import { testSeed } from './helpers/random.js'
import { assertChecks } from './reliability/assert.js'
import { runSteady } from './reliability/steady.js'

// The bounded version of `npm run soak`'s steady phase: 20 s instead of 30 min. Flatness is judged
// only on long runs; here the run must end with one ledger, nothing lost and every store sound.
test(
  'soak - 20 s of steady mixed load on three daemons: one ledger, nothing lost, stores sound',
  { timeout: 180_000 },
  async (t) => {
    const seed = testSeed(t)
    const report = await runSteady({ durationMs: 20_000, seed, samples: 4 })
    assertChecks(t, report)
    t.ok(
      report.tried['transactions acknowledged'] > 1000,
      `${report.tried['transactions acknowledged']} acknowledged`
    )
    t.comment(JSON.stringify(report.figures))
  }
)
