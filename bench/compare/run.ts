// The local apply rate of this build against another one (a baseline), run alternately in the
// same script so that both see the same machine: tx/s and CPU time per transaction, medians of
// the runs, and the ratio of the two within each pair of runs. The baseline is a built checkout
// of another commit (`npm ci && npx tsc -p .` in it).
//
//   node dist/bench/compare/run.js <baseline dir> [runs (5)] [transactions per writer (20000)] [scrape every ms]
//
// With a scrape interval, this build's runs read its metrics that often (see apply-run.ts).
import { execFileSync } from 'child_process'
import path from 'path'
import { fileURLToPath } from 'url'
import { median } from '../harness/stats.js'

interface Run {
  txs: number
  txPerSec: number
  cpuUsPerTx: number
  scrapes?: number
}

const [baseline, runsArg = '5', txsArg = '20000', scrapeMs] = process.argv.slice(2)
if (baseline === undefined) {
  process.stderr.write(
    'usage: node dist/bench/compare/run.js <baseline dir> [runs] [txs per writer] [scrape every ms]\n'
  )
  process.exit(2)
}
const here = path.dirname(fileURLToPath(import.meta.url))
const builds = { baseline: path.resolve(baseline), this: path.resolve(here, '..', '..', '..') }
const child = path.join(here, 'apply-run.js')
const runs: Record<keyof typeof builds, Run[]> = { baseline: [], this: [] }
const ratios = { txPerSec: [] as number[], cpuUsPerTx: [] as number[] }

for (let r = 0; r < Number(runsArg); r++) {
  const order: Array<keyof typeof builds> =
    r % 2 === 0 ? ['baseline', 'this'] : ['this', 'baseline']
  for (const name of order) {
    const args = [child, builds[name], txsArg, ...(name === 'this' && scrapeMs ? [scrapeMs] : [])]
    const out = execFileSync(process.execPath, args, { cwd: builds[name] })
    const run = JSON.parse(out.toString()) as Run
    runs[name].push(run)
    process.stderr.write(
      `run ${r + 1} ${name}: ${run.txPerSec.toFixed(0)} tx/s, ${run.cpuUsPerTx.toFixed(0)} us CPU per tx` +
        (run.scrapes === undefined ? '\n' : `, ${run.scrapes} scrapes\n`)
    )
  }
  const [a, b] = [runs.baseline[r], runs.this[r]]
  ratios.txPerSec.push(b.txPerSec / a.txPerSec)
  ratios.cpuUsPerTx.push(b.cpuUsPerTx / a.cpuUsPerTx)
}

const summary = (pick: (r: Run) => number, ratio: number[]): Record<string, unknown> => ({
  baseline: Math.round(median(runs.baseline.map(pick))),
  this: Math.round(median(runs.this.map(pick))),
  ratio: Number(median(ratio).toFixed(2)),
  ratios: ratio.map((x) => Number(x.toFixed(2)))
})
process.stdout.write(
  JSON.stringify({
    runs: Number(runsArg),
    txs: runs.this[0]?.txs,
    txPerSec: summary((r) => r.txPerSec, ratios.txPerSec),
    cpuUsPerTx: summary((r) => r.cpuUsPerTx, ratios.cpuUsPerTx)
  }) + '\n'
)
