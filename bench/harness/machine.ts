import os from 'os'
import { execFileSync } from 'child_process'

export interface MachineInfo {
  cores: number
  cpu: string
  memoryBytes: number
  node: string
  platform: string
  commit: string | null
  /** True when the working tree had changes the commit does not hold. */
  dirty: boolean | null
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore']
    }).trim()
  } catch {
    return null
  }
}

export function machineInfo(): MachineInfo {
  const status = git(['status', '--porcelain'])
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    commit: git(['rev-parse', 'HEAD']),
    dirty: status === null ? null : status.length > 0
  }
}
