import fs from 'fs/promises'
import path from 'path'

/** Self time of a V8 CPU profile grouped by package, and its heaviest functions. */
export interface ProfileSummary {
  title: string
  /** Sampled wall time, ms, and the part of it the process was not idle. */
  totalMs: number
  busyMs: number
  /** Percent is of busy time. */
  packages: Array<{ name: string; ms: number; percent: number }>
  functions: Array<{ name: string; where: string; ms: number; percent: number }>
  perProcess: Array<{
    name: string
    busyMs: number
    packages: Array<{ name: string; percent: number }>
  }>
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>
  samples: number[]
  timeDeltas: number[]
}

/** Which package a frame belongs to: the last node_modules segment, the library, the harness, or Node/V8 itself. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return '(gc)'
    if (functionName === '(idle)') return '(idle)'
    if (functionName === '(program)') return '(program: native, unattributed)'
    if (functionName === '(root)') return '(root)'
    return '(v8 builtins)'
  }
  const i = url.lastIndexOf('/node_modules/')
  if (i >= 0) {
    const parts = url.slice(i + '/node_modules/'.length).split('/')
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  if (url.startsWith('node:')) return 'node (core modules)'
  if (url.includes('/dist/lib/')) return 'autoledger lib'
  if (url.includes('/dist/bench/')) return 'bench harness'
  return 'other'
}

interface Tally {
  packages: Map<string, number>
  functions: Map<string, { name: string; where: string; ms: number }>
  totalMs: number
  idleMs: number
}

function tally(profile: CpuProfile, into: Tally): Tally {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i])
    if (node === undefined) continue
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000
    const { functionName, url, lineNumber } = node.callFrame
    const pkg = packageOf(url, functionName)
    into.totalMs += ms
    if (pkg === '(idle)') {
      into.idleMs += ms
      continue
    }
    into.packages.set(pkg, (into.packages.get(pkg) ?? 0) + ms)
    const where = url === '' ? pkg : `${pkg} ${path.basename(url)}:${lineNumber + 1}`
    const key = `${functionName}@${where}`
    const f = into.functions.get(key) ?? {
      name: functionName === '' ? '(anonymous)' : functionName,
      where,
      ms: 0
    }
    f.ms += ms
    into.functions.set(key, f)
  }
  return into
}

const empty = (): Tally => ({ packages: new Map(), functions: new Map(), totalMs: 0, idleMs: 0 })

/** Summarize every `.cpuprofile` in `dir` (one per process), together and per process. */
export async function summarizeProfiles(dir: string, title: string): Promise<ProfileSummary> {
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()
  const all = empty()
  const perProcess: ProfileSummary['perProcess'] = []
  for (const file of files) {
    const profile = JSON.parse(await fs.readFile(path.join(dir, file), 'utf8')) as CpuProfile
    tally(profile, all)
    const one = tally(profile, empty())
    const busy = one.totalMs - one.idleMs
    perProcess.push({
      name: path.basename(file, '.cpuprofile'),
      busyMs: busy,
      packages: [...one.packages]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([name, ms]) => ({ name, percent: (100 * ms) / busy }))
    })
  }
  const busyMs = all.totalMs - all.idleMs
  return {
    title,
    totalMs: all.totalMs,
    busyMs,
    packages: [...all.packages]
      .sort((a, b) => b[1] - a[1])
      .map(([name, ms]) => ({ name, ms, percent: (100 * ms) / busyMs })),
    functions: [...all.functions.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 30)
      .map((f) => ({ ...f, percent: (100 * f.ms) / busyMs })),
    perProcess
  }
}
