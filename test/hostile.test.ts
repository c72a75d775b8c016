import test from 'brittle'
import { hostileScenario } from './reliability/hostile.js'
import { seedFromEnv } from './helpers/random.js'

test('hostile writers - garbage, oversized, forged, replayed and flooding members, a removed writer and an outsider cannot harm the honest nodes', async t => {
  const seed = seedFromEnv()
  t.comment(`seed ${seed} (replay with AUTOLEDGER_SEED=${seed})`)
  const started = Date.now()
  const report = await hostileScenario({ seed, garbageBlocks: 30, floodBlocks: 5, baselineSamples: 12, cutOffBlocks: 4, log: line => t.comment(line) })
  t.comment(`tried ${JSON.stringify(report.tried)}`)
  t.comment(`figures ${JSON.stringify(report.figures)}`)
  t.comment(`${Date.now() - started} ms`)
  for (const check of report.checks) t.ok(check.ok, check.name + (check.detail ? ` (${check.detail})` : ''))
  t.ok(report.tried['garbage blocks'] >= 30, 'garbage blocks were written')
  t.ok(report.tried['oversized blocks'] >= 3, 'oversized blocks were written')
  t.ok(report.tried['forged transactions'] >= 12, 'forged transactions were written')
  t.ok(report.tried['replayed ids'] >= 8, 'old ids were replayed')
  t.ok(report.tried['flood blocks'] >= 5, 'the flood was written')
  t.ok(report.tried['blocks written after removal'] >= 9, 'the removed writer kept writing')
  t.ok(report.tried['outsider optimistic appends'] >= 5, 'the outsider tried optimistic appends')
  t.ok(report.tried['front-run attempts'] >= 1, 'a pending honest id was copied')
  t.ok(report.ok, 'every guarantee held')
})
