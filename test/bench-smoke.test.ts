import test from 'brittle'
import fs from 'fs/promises'
import path from 'path'
import { fileURLToPath } from 'url'
import { SCENARIOS } from '../bench/harness/config.js'
import { hopSamples } from '../bench/harness/hops.js'
import type { Sightings } from '../bench/peer/latency-observer.js'
import { tmpdir } from './helpers/temp.js'
import { runProcess } from './helpers/process.js'

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'run.js')

interface Results {
  scenarios: Record<
    string,
    { ok: boolean; error?: string; figures: Record<string, { spread: { median: number } }> }
  >
}

/** Its own limit: the runner starts a testnet and peer processes for every scenario. */
const SMOKE_TIMEOUT_MS = 300_000

test(
  'bench - the smoke run completes every scenario with converged, identical results',
  { timeout: SMOKE_TIMEOUT_MS },
  async (t) => {
    const out = await tmpdir(t, 'bench-smoke-test')
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      [RUNNER, '--smoke', '--out', out],
      { timeout: SMOKE_TIMEOUT_MS }
    )
    if (code !== 0) t.comment(stderr)
    t.is(code, 0, 'the runner exits 0 (every scenario converged and passed its sanity check)')
    t.ok(stdout.includes('convergence:'), 'the table is printed on stdout')

    const results = JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8')) as Results
    const expected = SCENARIOS.filter((name) => name !== 'orbitdb') // every scenario a run without --peers has
    t.alike(Object.keys(results.scenarios), expected, 'every scenario ran')
    for (const name of expected) {
      const report = results.scenarios[name]
      t.ok(report.ok, `${name} passed${report.ok ? '' : ': ' + (report.error ?? '')}`)
      const figures = Object.entries(report.figures)
      t.ok(
        figures.length > 0 &&
          figures.every(([, f]) => Number.isFinite(f.spread.median) && f.spread.median >= 0),
        `${name} reports finite figures`
      )
    }
    for (const chart of ['throughput.svg', 'latency.svg']) {
      const svg = await fs.readFile(path.join(out, chart), 'utf8')
      t.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'), `${chart} is written`)
    }
  }
)

test('bench - the latency hops add up to submit-to-visible and submit-to-final', (t) => {
  // Writer 0 (an indexer) submits id "a" at 0 ms; its block 5 is appended at 2 ms. Node 1 (an
  // indexer) downloads it at 10 ms, shows it at 14 ms and appends at 20 ms; node 2 (not an
  // indexer) downloads it at 11 ms and shows it at 19 ms. Writer 0 sees it final at 50 ms.
  const sighting = (s: Partial<Sightings>): Sightings => ({
    visible: {},
    final: {},
    ownBlock: {},
    appended: {},
    held: {},
    isIndexer: false,
    ...s
  })
  const seen = [
    sighting({
      visible: { a: 1 },
      final: { a: 50 },
      ownBlock: { a: 5 },
      appended: { 4: 1, 5: 2, 6: 40 },
      isIndexer: true
    }),
    sighting({
      visible: { a: 14 },
      held: { w0: { 5: 10 } },
      appended: { 0: 9, 1: 20 },
      isIndexer: true
    }),
    sighting({ visible: { a: 19 }, held: { w0: { 5: 11 } } })
  ]
  const hops = hopSamples([{ a: 0 }], seen, ['w0', 'w1', 'w2'])
  t.alike(hops.append, [2], 'submit -> in the writer core')
  t.alike(hops.replicate, [8, 9], 'in the writer core -> held by each other node')
  t.alike(hops.apply, [4, 8], 'held -> visible there')
  // Quorum of the two indexers: both. Held by them at 2 (its own block) and 10; acked at 2 (its
  // own block is its own ack) and 20 (node 1's first append since it held the block, not the one at 9).
  t.alike(hops.indexed, [10], 'submit -> held by the quorum')
  t.alike(hops.ack, [10], 'held by the quorum -> the quorum appended since')
  t.alike(hops.sign, [30], 'quorum appended -> final on the submitter')
  t.is(hops.indexed[0] + hops.ack[0] + hops.sign[0], 50, 'the final hops add up to submit -> final')
})
