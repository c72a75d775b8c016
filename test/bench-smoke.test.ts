import test from 'brittle'
import { spawn } from 'child_process'
import fs from 'fs/promises'
import os from 'os'
import path from 'path'
import { fileURLToPath } from 'url'

const RUNNER = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bench', 'run.js')

interface Results {
  scenarios: Record<string, { ok: boolean, error?: string, figures: Record<string, { spread: { median: number } }> }>
}

// Its own limit: the runner starts a testnet and peer processes for every scenario.
test('bench - the smoke run completes every scenario with converged, identical results', { timeout: 300_000 }, async t => {
  const out = await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-bench-smoke-test-'))
  t.teardown(() => fs.rm(out, { recursive: true, force: true }))

  const child = spawn(process.execPath, [RUNNER, '--smoke', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  if (code !== 0) t.comment(stderr)
  t.is(code, 0, 'the runner exits 0 (every scenario converged and passed its sanity check)')
  t.ok(stdout.includes('convergence:'), 'the table is printed on stdout')

  const results = JSON.parse(await fs.readFile(path.join(out, 'results.json'), 'utf8')) as Results
  const expected = ['convergence', 'baselines', 'latency', 'scaling', 'catchup', 'footprint', 'durability']
  t.alike(Object.keys(results.scenarios), expected, 'every scenario ran')
  for (const name of expected) {
    const report = results.scenarios[name]
    t.ok(report.ok, `${name} passed${report.ok ? '' : ': ' + (report.error ?? '')}`)
    const figures = Object.entries(report.figures)
    t.ok(figures.length > 0 && figures.every(([, f]) => Number.isFinite(f.spread.median) && f.spread.median >= 0), `${name} reports finite figures`)
  }
  for (const chart of ['throughput.svg', 'latency.svg']) {
    const svg = await fs.readFile(path.join(out, chart), 'utf8')
    t.ok(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>'), `${chart} is written`)
  }
})
