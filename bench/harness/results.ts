import fs from 'fs/promises'
import path from 'path'
import type { MachineInfo } from './machine.js'
import type { BenchConfig } from './config.js'
import type { ScenarioReport } from './report.js'
import type { ProfileSummary } from './profile.js'
import { throughputChart, latencyChart } from './svg.js'

export interface BenchResults {
  machine: MachineInfo
  config: Omit<BenchConfig, 'outDir'>
  startedAt: string
  seconds: number
  scenarios: Record<string, ScenarioReport>
  profile: ProfileSummary[] | null
}

/** bigint-safe JSON (amounts in the workload are bigints). */
function json(value: unknown): string {
  return (
    JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2) + '\n'
  )
}

/** Write results.json and the charts; returns the paths written. */
export async function writeResults(dir: string, results: BenchResults): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true })
  const written: string[] = []
  const write = async (name: string, text: string): Promise<void> => {
    const file = path.join(dir, name)
    await fs.writeFile(file, text)
    written.push(file)
  }
  await write('results.json', json(results))
  const throughput = throughputChart(results)
  if (throughput !== null) await write('throughput.svg', throughput)
  const latency = latencyChart(results)
  if (latency !== null) await write('latency.svg', latency)
  return written
}
