// The benchmark runner: every scenario on a private loopback DHT, each node its own process.
//
//   npm run bench                   all scenarios at default sizes (about 10-15 minutes on 2 cores)
//   npm run bench -- --smoke        every scenario at tiny sizes (part of npm test)
//   npm run bench -- --help         options
//
// Prints a table on stdout, progress on stderr, and writes results.json and SVG charts to bench/results/.
import { parseConfig } from './harness/config.js'
import type { BenchConfig, ScenarioName } from './harness/config.js'
import type { BenchContext } from './harness/context.js'
import type { ScenarioReport } from './harness/report.js'
import { machineInfo } from './harness/machine.js'
import { writeResults } from './harness/results.js'
import { formatTable } from './harness/table.js'
import { now } from './harness/clock.js'
import { convergenceScenario } from './scenarios/convergence.js'
import { baselinesScenario } from './scenarios/baselines.js'
import { latencyScenario } from './scenarios/latency.js'
import { scalingScenario } from './scenarios/scaling.js'
import { catchupScenario } from './scenarios/catchup.js'
import { footprintScenario } from './scenarios/footprint.js'
import { orbitdbScenario } from './scenarios/orbitdb.js'
import { durabilityScenario } from './scenarios/durability.js'
import { privateScenario } from './scenarios/private.js'
import { proofsScenario } from './scenarios/proofs.js'
import { profileRun } from './scenarios/profile.js'

type Scenario = (
  ctx: BenchContext,
  earlier: Map<string, ScenarioReport>
) => Promise<Omit<ScenarioReport, 'seconds'>>

const SCENARIO_FNS: Record<ScenarioName, Scenario> = {
  convergence: convergenceScenario,
  baselines: baselinesScenario,
  latency: latencyScenario,
  scaling: scalingScenario,
  catchup: catchupScenario,
  footprint: footprintScenario,
  durability: durabilityScenario,
  private: privateScenario,
  proofs: proofsScenario,
  orbitdb: orbitdbScenario
}

async function main(): Promise<number> {
  let config: BenchConfig
  try {
    config = parseConfig(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    return 2
  }
  const ctx: BenchContext = { config, log: (message) => process.stderr.write(message + '\n') }
  const started = now()
  const startedAt = new Date().toISOString()
  const reports = new Map<string, ScenarioReport>()
  for (const name of config.only) {
    ctx.log(`[${name}]`)
    const t0 = now()
    let report: ScenarioReport
    try {
      report = { ...(await SCENARIO_FNS[name](ctx, reports)), seconds: (now() - t0) / 1000 }
    } catch (err) {
      const e = err as Error
      ctx.log(`  FAILED: ${e.stack ?? e.message}`)
      report = {
        name,
        title: name,
        ok: false,
        error: e.message,
        params: {},
        figures: {},
        runs: [],
        notes: [],
        seconds: (now() - t0) / 1000
      }
    }
    ctx.log(`  (${report.seconds.toFixed(1)} s)`)
    reports.set(name, report)
  }
  const profile = config.profile ? await profileRun(ctx) : null
  const { outDir, ...shown } = config // the output path is this machine's business, not a result
  const results = {
    machine: machineInfo(),
    config: shown,
    startedAt,
    seconds: (now() - started) / 1000,
    scenarios: Object.fromEntries(reports),
    profile
  }
  process.stdout.write(formatTable(results))
  const files = await writeResults(outDir, results)
  ctx.log(`wrote ${files.join(', ')}`)
  return [...reports.values()].every((r) => r.ok) ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`)
    process.exitCode = 1
  }
)
