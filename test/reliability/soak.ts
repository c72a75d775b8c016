#!/usr/bin/env node
/**
 * `npm run soak`: the long versions of the reliability suite, sized by flags, with a summary of
 * what was tried and what held. Exit 0 when every guarantee held, 1 when one did not, 2 on bad flags.
 *
 *   npm run soak                                  # the full run: 30 min of steady load, 200 kills per indexer count, ...
 *   npm run soak -- --minutes 5 --kills 40        # shorter
 *   npm run soak -- --only crash,partition --json
 */
import { runSteady } from './steady.js'
import { runCrash } from './crash.js'
import { runCrashCommands } from './crash-commands.js'
import { parseFlags } from './flags.js'
import { runPartition } from './partition.js'
import { hostileScenario } from './hostile/run.js'
import { httpBadInput } from './bad-input/http.js'
import { cliBadInput } from './bad-input/cli.js'
import { fileBadInput } from './bad-input/files.js'
import { diskFull } from './bad-input/disk-full.js'
import type { Report } from './report.js'

const SCENARIOS = [
  'steady',
  'crash',
  'crash-commands',
  'partition',
  'hostile',
  'bad-input'
] as const
type Scenario = (typeof SCENARIOS)[number]

const USAGE = `Usage: npm run soak -- [options]

  --minutes <n>       steady mixed load on three daemons for this long (default 30)
  --kills <n>         SIGKILLs of daemons under load, for each indexer count (default 200)
  --command-kills <n> SIGKILLs of the creator's daemon while commands write, for each indexer count (default 50)
  --indexers <list>   indexer counts to run both crash scenarios with (default 1,2,3)
  --partitions <n>    cut, write on every side, heal (default 12)
  --floods <n>        max-size blocks in the hostile member's flood (default 20)
  --http-cases <n>    generated bad HTTP requests (default 20000)
  --cli-cases <n>     generated bad command lines (default 400)
  --seed <n>          replay a run (default: random, printed)
  --only <list>       some of: ${SCENARIOS.join(',')}
  --json              print the reports as JSON on stdout`

async function main(): Promise<number> {
  const { values, count, fail } = parseFlags('soak', USAGE, [
    'minutes',
    'kills',
    'command-kills',
    'indexers',
    'partitions',
    'floods',
    'http-cases',
    'cli-cases',
    'seed',
    'only'
  ])
  const only = typeof values.only === 'string' ? values.only.split(',') : [...SCENARIOS]
  for (const s of only)
    if (!(SCENARIOS as readonly string[]).includes(s)) fail(`unknown scenario "${s}"`)
  const indexers =
    typeof values.indexers === 'string' ? values.indexers.split(',').map(Number) : [1, 2, 3]
  if (!indexers.every((n) => n === 1 || n === 2 || n === 3))
    fail('--indexers takes indexer counts from 1 to 3, such as 1,2')
  const seed = count('seed', Math.floor(Math.random() * 2 ** 31))
  // Every size is checked before anything runs.
  const minutes = count('minutes', 30)
  const kills = count('kills', 200)
  const commandKills = count('command-kills', 50)
  const partitions = count('partitions', 12)
  const floods = count('floods', 20)
  const httpCases = count('http-cases', 20_000)
  const cliCases = count('cli-cases', 400)
  const log = (line: string): void => {
    process.stderr.write(`soak: ${line}\n`)
  }
  const progress =
    (name: string) =>
    (k: number, of: number, ms: number): void => {
      if (k % 10 === 0 || k === of) log(`${name}: ${k}/${of} kills, last restart ${ms} ms`)
    }
  log(`seed ${seed} (replay with --seed ${seed})`)

  const runs: Record<Scenario, () => Promise<Report[]>> = {
    steady: async () => [
      await runSteady({
        durationMs: minutes * 60_000,
        seed,
        samples: Math.max(8, Math.min(60, minutes * 2)),
        onSample: (s, i, of) =>
          log(
            `steady ${i}/${of}: ${Math.round(s.at)} s  ${Math.round(s.txPerSec)} tx/s  p50 ${s.p50Ms} ms  p99 ${s.p99Ms} ms  rss ${s.rssMiB} MiB  ${s.bytesPerEntry} B/entry  ${s.entries} entries  unsigned ${s.unsigned}  pending ${s.pending}  reorders ${s.reorders}  status ${s.statusMs} ms`
          )
      })
    ],
    crash: async () => {
      const reports: Report[] = []
      for (const n of indexers)
        reports.push(
          await timed(() =>
            runCrash({ kills, seed, indexers: n, onKill: progress(`crash (${n} indexers)`) })
          )
        )
      return reports
    },
    'crash-commands': async () => {
      const reports: Report[] = []
      for (const n of indexers)
        reports.push(
          await timed(() =>
            runCrashCommands({
              kills: commandKills,
              seed,
              indexers: n,
              onKill: progress(`crash with commands (${n} indexers)`)
            })
          )
        )
      return reports
    },
    partition: async () => [await runPartition({ rounds: partitions, seed })],
    hostile: async () => [await hostileScenario({ seed, floodBlocks: floods, garbageBlocks: 200 })],
    'bad-input': async () => [
      await httpBadInput({ httpCases, seed }),
      await cliBadInput({ cliCases, seed }),
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
        r.figures.seconds ??= Math.round((Date.now() - started) / 1000)
        reports.push(r)
        log(`${r.scenario}: ${r.ok ? 'held' : 'FAILED'} (${r.figures.seconds} s)`)
      }
    } catch (err) {
      log(`${name}: FAILED: ${(err as Error).stack ?? String(err)}`)
      const r = {
        scenario: name,
        tried: {},
        figures: {},
        checks: [{ name: 'the scenario ran to the end', ok: false, detail: (err as Error).message }]
      }
      reports.push(r as unknown as Report)
    }
  }

  if (values.json === true) process.stdout.write(JSON.stringify({ seed, reports }) + '\n')
  else process.stdout.write(summary(reports) + '\n')
  return reports.every((r) => r.checks.length > 0 && r.checks.every((c) => c.ok)) ? 0 : 1
}

/** Run one of several reports of a scenario, with its own duration as the `seconds` figure. */
async function timed(run: () => Promise<Report>): Promise<Report> {
  const started = Date.now()
  const report = await run()
  report.figures.seconds = Math.round((Date.now() - started) / 1000)
  return report
}

function summary(reports: Report[]): string {
  const lines: string[] = []
  for (const r of reports) {
    lines.push(`== ${r.scenario}`)
    lines.push(
      `   tried:   ${Object.entries(r.tried)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    )
    lines.push(
      `   figures: ${Object.entries(r.figures)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    )
    for (const c of r.checks)
      lines.push(
        `   ${c.ok ? 'held  ' : 'FAILED'}  ${c.name}${c.detail === undefined || c.detail === '' ? '' : ` (${c.detail})`}`
      )
  }
  const failed = reports.flatMap((r) => r.checks.filter((c) => !c.ok)).length
  lines.push(failed === 0 ? 'every guarantee held' : `${failed} guarantee(s) did not hold`)
  return lines.join('\n')
}

void main().then((code) => process.exit(code))
