import test from 'brittle'
import fs from 'fs/promises'
import path from 'path'
import { fileURLToPath } from 'url'
import { SCENARIOS } from '../bench/harness/config.js'
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
