#!/usr/bin/env node
/**
 * `npm run crash-loop`: the crash-with-commands scenario run again and again, one line per run,
 * the failed runs' seeds at the end. Exit 0 when every run held, 1 when one did not, 2 on bad flags.
 *
 *   npm run crash-loop -- --runs 50                 # one indexer, as a new ledger has
 *   npm run crash-loop -- --runs 20 --indexers 2 --kills 12 --json
 */
import { runCrashCommands } from './crash-commands.js'
import { parseFlags } from './flags.js'
import type { ScenarioReport } from './report.js'

const USAGE = `Usage: npm run crash-loop -- [options]

  --runs <n>       how many runs (default 50)
  --kills <n>      SIGKILLs of the creator's daemon per run (default 10)
  --indexers <n>   indexers, 1 to 3, beside one plain writer (default 1)
  --seed <n>       seed of the first run; run i uses seed + i (default: random, printed)
  --json           one JSON report per run on stdout`

async function main(): Promise<number> {
  const flags = parseFlags('crash-loop', USAGE, ['runs', 'kills', 'indexers', 'seed'])
  const runs = flags.count('runs', 50)
  const kills = flags.count('kills', 10)
  const indexers = flags.count('indexers', 1)
  if (indexers < 1 || indexers > 3) flags.fail('--indexers must be 1, 2 or 3')
  const first = flags.count('seed', Math.floor(Math.random() * 2 ** 30))
  const log = (line: string): void => {
    process.stderr.write(`crash-loop: ${line}\n`)
  }
  log(
    `${runs} runs, ${kills} kills each, ${indexers} indexer(s), seeds ${first}..${first + runs - 1}`
  )

  const failed: Array<{ seed: number; why: string }> = []
  for (let i = 0; i < runs; i++) {
    const seed = first + i
    const started = Date.now()
    let report: ScenarioReport
    try {
      report = await runCrashCommands({ kills, seed, indexers })
    } catch (err) {
      report = {
        scenario: 'crash with commands',
        tried: {},
        figures: { seed },
        checks: [{ name: 'the scenario ran to the end', ok: false, detail: describeError(err) }]
      }
    }
    const seconds = Math.round((Date.now() - started) / 1000)
    const bad = report.checks.filter((c) => !c.ok)
    if (bad.length > 0) failed.push({ seed, why: bad.map((c) => c.name).join('; ') })
    if (flags.values.json === true)
      process.stdout.write(JSON.stringify({ run: i + 1, seconds, ...report }) + '\n')
    const acks =
      (report.tried['HTTP transactions acknowledged'] ?? 0) +
      (report.tried['put commands acknowledged'] ?? 0)
    log(
      `run ${i + 1}/${runs} seed ${seed}: ${bad.length === 0 ? 'held' : 'FAILED'} in ${seconds} s, ${report.figures.entries ?? '?'} entries, ${acks} acknowledged` +
        bad
          .map(
            (c) =>
              `\n    ${c.name}${c.detail === undefined || c.detail === '' ? '' : `: ${c.detail}`}`
          )
          .join('')
    )
  }
  log(
    failed.length === 0
      ? `every run held (${runs} of ${runs})`
      : `${failed.length} of ${runs} runs failed: seeds ${failed.map((f) => f.seed).join(', ')}`
  )
  return failed.length === 0 ? 0 : 1
}

/** The message and where it was thrown: the frames say which step of the run failed. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err)
  const frames = (err.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 8)
  return [err.message, ...frames].join('\n')
}

void main().then((code) => process.exit(code))
