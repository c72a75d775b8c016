import { spawn } from 'child_process'
import type { ChildProcess, StdioOptions } from 'child_process'
import { COMMAND_TIMEOUT_MS } from './timeouts.js'

/** How a child process ended, and what it printed. */
export interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Collect a spawned child's output until it closes; SIGKILL it after `timeout` ms. */
export async function finished(
  child: ChildProcess,
  timeout = COMMAND_TIMEOUT_MS
): Promise<Finished> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('close', (c, s) => resolve([c, s]))
  )
  clearTimeout(timer)
  return { code, signal, stdout, stderr }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv
  timeout?: number
  /** Default: stdin ignored, stdout and stderr collected. */
  stdio?: StdioOptions
}

/** Run `command args` to completion (killed after the timeout). A command that cannot be started ends with code null. */
export async function runProcess(
  command: string,
  args: string[],
  { env, timeout, stdio = ['ignore', 'pipe', 'pipe'] }: RunOptions = {}
): Promise<Finished> {
  const child = spawn(command, args, {
    stdio,
    ...(env === undefined ? {} : { env: { ...process.env, ...env } })
  })
  const failed = new Promise<Finished>((resolve) =>
    child.once('error', () => resolve({ code: null, signal: null, stdout: '', stderr: '' }))
  )
  return Promise.race([finished(child, timeout), failed])
}
