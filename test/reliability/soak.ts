#!/usr/bin/env node
/**
 * `npm run soak`: the long versions of the reliability suite, sized by flags, with a summary of
 * what was tried and what held. Exit 0 when every guarantee held, 1 when one did not, 2 on bad flags.
 *
 *   npm run soak                                  # the full run: 30 min of steady load, 200 kills, ...
 *   npm run soak -- --minutes 5 --kills 40        # shorter
 *   npm run soak -- --only crash,partition --json
 */
import { parseArgs } from 'util'
import { runSteady } from './steady.js'
import { runCrash } from './crash.js'
import { runPartition } from './partition.js'
import { hostileScenario } from './hostile.js'
import { httpBadInput, cliBadInput, fileBadInput, diskFull } from './bad-input.js'
import type { Report } from './report.js'

const SCENARIOS = ['steady', 'crash', 'partition', 'hostile', 'bad-input'] as const
type Scenario = typeof SCENARIOS[number]

const USAGE = `Usage: npm run soak -- [options]

  --minutes <n>      steady mixed load on three daemons for this long (default 30)
  --kills <n>        SIGKILLs of daemons under load (default 200)
  --partitions <n>   cut, write on every side, heal (default 12)
  --floods <n>       max-size blocks in the hostile member's flood (default 20)
  --http-cases <n>   generated bad HTTP requests (default 20000)
  --cli-cases <n>    generated bad command lines (default 400)
  --seed <n>         replay a run (default: random, printed)
  --only <list>      some of: ${SCENARIOS.join(',')}
  --json             print the reports as JSON on stdout`

function fail (message: string): never {
  process.stderr.write(`soak: ${message}\n\n${USAGE}\n`)
  process.exit(2)
}

function count (values: Record<string, unknown>, name: string, fallback: number): number {
  const v = values[name]
  if (v === undefined) return fallback
  if (typeof v !== 'string' || !/^[0-9]{1,9}$/.test(v)) fail(`--${name} must be a whole number`)
  return Number(v)
}

async function main (): Promise<number> {
  let values: Record<string, string | boolean | undefined>
  try {
    const options: Record<string, { type: 'string' | 'boolean' }> = { json: { type: 'boolean' }, help: { type: 'boolean' } }
    for (const name of ['minutes', 'kills', 'partitions', 'floods', 'http-cases', 'cli-cases', 'seed', 'only']) options[name] = { type: 'string' }
    values = parseArgs({ options }).values as Record<string, string | boolean | undefined>
  } catch (err) {
    fail((err as Error).message)
  }
  if (values.help === true) {
    process.stdout.write(USAGE + '\n')
    return 0
  }
  const only = typeof values.only === 'string' ? values.only.split(',') : [...SCENARIOS]
  for (const s of only) if (!(SCENARIOS as readonly string[]).includes(s)) fail(`unknown scenario "${s}"`)
  const seed = count(values, 'seed', Math.floor(Math.random() * 2 ** 31))
  const log = (line: string): void => { process.stderr.write(`soak: ${line}\n`) }
  log(`seed ${seed} (replay with --seed ${seed})`)

  const runs: Record<Scenario, () => Promise<Report[]>> = {
    steady: async () => {
      const minutes = count(values, 'minutes', 30)
      return [await runSteady({
        durationMs: minutes * 60_000,
        seed,
        samples: Math.max(8, Math.min(60, minutes * 2)),
        onSample: (s, i, of) => log(`steady ${i}/${of}: ${Math.round(s.at)} s  ${Math.round(s.txPerSec)} tx/s  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  rss ${s.rssMiB} MiB  ${s.bytesPerEntry} B/entry  ${s.entries} entries  unsigned ${s.unsigned}  pending ${s.pending}  reorders ${s.reorders}  status ${s.statusMs} ms`)
      })]
    },
    crash: async () => [await runCrash({ kills: count(values, 'kills', 200), seed, onKill: (k, of, ms) => { if (k % 10 === 0 || k === of) log(`crash ${k}/${of} kills, last restart ${ms} ms`) } })],
    partition: async () => [await runPartition({ rounds: count(values, 'partitions', 12), seed })],
    hostile: async () => [await hostileScenario({ seed, floodBlocks: count(values, 'floods', 20), garbageBlocks: 200 })],
    'bad-input': async () => [
      await httpBadInput({ httpCases: count(values, 'http-cases', 20_000), seed }),
      await cliBadInput({ cliCases: count(values, 'cli-cases', 400), seed }),
      await fileBadInput(),
      await diskFull()
    ]
  }

  const reports: Report[] = []
  for (const name of only as Scenario[]) {
    const started = Date.now()
    log(`${name}: starting`)
    try {
      for (const r of await runs[name]()) {
        r.figures.seconds = Math.round((Date.now() - started) / 1000)
        reports.push(r)
        log(`${r.scenario}: ${r.ok ? 'held' : 'FAILED'} (${r.figures.seconds} s)`)
      }
    } catch (err) {
      log(`${name}: FAILED: ${(err as Error).stack ?? String(err)}`)
      const r = { scenario: name, tried: {}, figures: {}, checks: [{ name: 'the scenario ran to the end', ok: false, detail: (err as Error).message }] }
      reports.push(r as unknown as Report)
    }
  }

  if (values.json === true) process.stdout.write(JSON.stringify({ seed, reports }) + '\n')
  else process.stdout.write(summary(reports) + '\n')
  return reports.every(r => r.checks.length > 0 && r.checks.every(c => c.ok)) ? 0 : 1
}

function summary (reports: Report[]): string {
  const lines: string[] = []
  for (const r of reports) {
    lines.push(`== ${r.scenario}`)
    lines.push(`   tried:   ${Object.entries(r.tried).map(([k, v]) => `${k} ${v}`).join(', ')}`)
    lines.push(`   figures: ${Object.entries(r.figures).map(([k, v]) => `${k} ${v}`).join(', ')}`)
    for (const c of r.checks) lines.push(`   ${c.ok ? 'held  ' : 'FAILED'}  ${c.name}${c.detail === undefined || c.detail === '' ? '' : ` (${c.detail})`}`)
  }
  const failed = reports.flatMap(r => r.checks.filter(c => !c.ok)).length
  lines.push(failed === 0 ? 'every guarantee held' : `${failed} guarantee(s) did not hold`)
  return lines.join('\n')
}

void main().then(code => process.exit(code))
