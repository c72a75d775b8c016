import test from 'brittle'
import { hostileScenario } from './reliability/hostile/run.js'
import { testSeed } from './helpers/random.js'
import { assertChecks, assertTried } from './reliability/assert.js'

test('hostile writers - garbage, oversized, forged, replayed and flooding members, a removed writer and an outsider cannot harm the honest nodes', async (t) => {
  const seed = testSeed(t)
  const started = Date.now()
  const report = await hostileScenario({
    seed,
    garbageBlocks: 30,
    floodBlocks: 5,
    baselineSamples: 12,
    cutOffBlocks: 4,
    log: (line) => t.comment(line)
  })
  t.comment(`tried ${JSON.stringify(report.tried)}`)
  t.comment(`figures ${JSON.stringify(report.figures)}`)
  t.comment(`${Date.now() - started} ms`)
  assertChecks(t, report)
  assertTried(t, report, {
    'garbage blocks': 30, // written
    'oversized blocks': 3,
    'forged transactions': 12,
    'replayed ids': 8, // old ids replayed
    'flood blocks': 5, // the flood was written
    'blocks written after removal': 9, // the removed writer kept writing
    'outsider optimistic appends': 5,
    'front-run attempts': 1 // a pending honest id was copied
  })
  t.ok(report.ok, 'every guarantee held')
})
