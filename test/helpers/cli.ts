import { spawn } from 'child_process'
import type { ChildProcess } from 'child_process'
import { fileURLToPath } from 'url'
import readline from 'readline'
import type test from 'brittle'
import { runProcess } from './process.js'
import { COMMAND_TIMEOUT_MS, STEP_TIMEOUT_MS } from './timeouts.js'

/** The built CLI (this file runs from dist/test/helpers). */
export const MAIN_JS = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url))

export interface Result {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed as newline-delimited JSON. */
  lines: unknown[]
}

/** Run `autoledger <args>` to completion; killed after `timeout` ms. */
export async function cli(
  args: string[],
  { env = {}, timeout = COMMAND_TIMEOUT_MS }: { env?: NodeJS.ProcessEnv; timeout?: number } = {}
): Promise<Result> {
  const { code, stdout, stderr } = await runProcess(process.execPath, [MAIN_JS, ...args], {
    env,
    timeout
  })
  const lines = stdout
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as unknown)
  return { code, stdout, stderr, lines }
}

/** Run a command that must succeed with --json; returns its first JSON line. */
export async function cliJson<T = Record<string, unknown>>(
  t: test.Test,
  args: string[]
): Promise<T> {
  const r = await cli([...args, '--json'])
  if (r.code !== 0) t.fail(`autoledger ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.lines[0] as T
}

/** A spawned long-running command (`run`, `bootstrap`, `demo --keep`): its output lines as they come. */
export class Spawned {
  readonly child: ChildProcess
  readonly stdoutLines: string[] = []
  readonly stderrLines: string[] = []
  readonly exited: Promise<number | null>
  private waiters: Array<() => void> = []

  constructor(args: string[], { ipc = true } = {}) {
    this.child = spawn(process.execPath, [MAIN_JS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc' as const] : [])]
    })
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        resolve(code)
        this.wake()
      })
    )
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => {
      this.stdoutLines.push(line)
      this.wake()
    })
    readline.createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.stderrLines.push(line)
      this.wake()
    })
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Resolve with the first line (stdout or stderr, as chosen) that matches; fail if the process exits or time runs out. */
  async line(
    match: (line: string) => boolean,
    {
      stream = 'stdout',
      timeout = STEP_TIMEOUT_MS
    }: { stream?: 'stdout' | 'stderr'; timeout?: number } = {}
  ): Promise<string> {
    const deadline = Date.now() + timeout
    const lines = stream === 'stdout' ? this.stdoutLines : this.stderrLines
    for (;;) {
      const found = lines.find(match)
      if (found !== undefined) return found
      if (!this.running)
        throw new Error(
          `process exited (${this.child.exitCode ?? this.child.signalCode}) before the line came; stderr:\n${this.stderrLines.join('\n')}`
        )
      const left = deadline - Date.now()
      if (left <= 0)
        throw new Error(
          `no matching line within ${timeout} ms; stderr:\n${this.stderrLines.join('\n')}`
        )
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Send a signal (SIGKILL if the process is still there after `graceMs`) and wait for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode
    this.child.kill(signal)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }

  private wake(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

/** Spawn a process; it is killed (SIGKILL if SIGTERM is not enough) when the test ends. */
export function spawnCli(t: test.Test, args: string[], opts?: { ipc?: boolean }): Spawned {
  const p = new Spawned(args, opts)
  t.teardown(async () => {
    await p.stop()
  })
  return p
}
