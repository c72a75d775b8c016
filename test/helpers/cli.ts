import { spawn } from 'child_process'
import type { ChildProcess } from 'child_process'
import { fileURLToPath } from 'url'
import readline from 'readline'
import fs from 'fs/promises'
import type test from 'brittle'

/** The built CLI (this file runs from dist/test/helpers). */
export const MAIN_JS = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url))

/** A one-shot command fails the test if it runs longer than this (ms). */
const COMMAND_TIMEOUT_MS = 60_000

export interface Result {
  code: number | null
  stdout: string
  stderr: string
  /** stdout parsed as newline-delimited JSON. */
  lines: unknown[]
}

/** Run `autoledger <args>` to completion. */
export async function cli (args: string[], { env = {}, timeout = COMMAND_TIMEOUT_MS }: { env?: NodeJS.ProcessEnv, timeout?: number } = {}): Promise<Result> {
  const child = spawn(process.execPath, [MAIN_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
  const code = await new Promise<number | null>(resolve => child.once('close', code => resolve(code)))
  clearTimeout(timer)
  const lines = stdout.split('\n').filter(l => l.trim().startsWith('{')).map(l => JSON.parse(l) as unknown)
  return { code, stdout, stderr, lines }
}

/** Run a command that must succeed with --json; returns its first JSON line. */
export async function cliJson<T = Record<string, unknown>> (t: test.Test, args: string[]): Promise<T> {
  const r = await cli([...args, '--json'])
  if (r.code !== 0) t.fail(`autoledger ${args.join(' ')} exited ${r.code}: ${r.stderr}`)
  return r.lines[0] as T
}

export interface Ready { event: 'ready', pid: number, url: string, key: string, writerKey: string, writable: boolean, dir: string }

/** A spawned long-running command (`run`, `bootstrap`, `demo --keep`): its output lines as they come. */
export class Spawned {
  readonly child: ChildProcess
  readonly stdoutLines: string[] = []
  readonly stderrLines: string[] = []
  readonly exited: Promise<number | null>
  private waiters: Array<() => void> = []

  constructor (args: string[], { ipc = true } = {}) {
    this.child = spawn(process.execPath, [MAIN_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? ['ipc' as const] : [])] })
    this.exited = new Promise(resolve => this.child.once('exit', code => { resolve(code); this.wake() }))
    readline.createInterface({ input: this.child.stdout! }).on('line', line => { this.stdoutLines.push(line); this.wake() })
    readline.createInterface({ input: this.child.stderr! }).on('line', line => { this.stderrLines.push(line); this.wake() })
  }

  get running (): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Resolve with the first line (stdout or stderr, as chosen) that matches; fail if the process exits or time runs out. */
  async line (match: (line: string) => boolean, { stream = 'stdout', timeout = 30_000 }: { stream?: 'stdout' | 'stderr', timeout?: number } = {}): Promise<string> {
    const deadline = Date.now() + timeout
    const lines = stream === 'stdout' ? this.stdoutLines : this.stderrLines
    for (;;) {
      const found = lines.find(match)
      if (found !== undefined) return found
      if (!this.running) throw new Error(`process exited (${this.child.exitCode ?? this.child.signalCode}) before the line came; stderr:\n${this.stderrLines.join('\n')}`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching line within ${timeout} ms; stderr:\n${this.stderrLines.join('\n')}`)
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  /** Send a signal (SIGKILL if the process is still there after `graceMs`) and wait for the exit code. */
  async stop (signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<number | null> {
    if (!this.running) return this.child.exitCode
    this.child.kill(signal)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }

  private wake (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

/** Spawn a process; it is killed (SIGKILL if SIGTERM is not enough) when the test ends. */
export function spawnCli (t: test.Test, args: string[], opts?: { ipc?: boolean }): Spawned {
  const p = new Spawned(args, opts)
  t.teardown(async () => { await p.stop() })
  return p
}

/** `autoledger run --json` on a directory; resolves once it is announced and serving. */
export async function startDaemon (t: test.Test, dir: string, args: string[] = []): Promise<{ proc: Spawned, ready: Ready, token: string }> {
  const proc = spawnCli(t, ['run', '--json', '--dir', dir, ...args])
  const ready = JSON.parse(await proc.line(l => l.startsWith('{'))) as Ready
  const token = (await fs.readFile(`${dir}/token`, 'utf8')).trim()
  return { proc, ready, token }
}

/** A fresh private DHT: `autoledger bootstrap` on a free loopback port; stopped after the daemons (teardown order 1). */
export async function startBootstrap (t: test.Test): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const p = new Spawned(['bootstrap', '--json', '--host', '127.0.0.1', '--port', String(port)], { ipc: false })
    try {
      const ready = JSON.parse(await p.line(l => l.startsWith('{'), { timeout: 15_000 })) as { bootstrap: string }
      t.teardown(async () => { await p.stop() }, { order: 1 })
      return ready.bootstrap
    } catch (err) {
      await p.stop('SIGKILL')
      if (attempt >= 4) throw err // the random port was taken, five times
    }
  }
}

/** Poll `check` until it returns non-null; throws after `timeout` ms. */
export async function until<T> (check: () => Promise<T | null>, what: string, timeout = 30_000, interval = 100): Promise<T> {
  const deadline = Date.now() + timeout
  for (;;) {
    const v = await check()
    if (v !== null) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, interval))
  }
}

/** A minimal HTTP client for tests: raw status and parsed JSON body. */
export async function request (url: string, { method = 'GET', body, token, headers = {} }: { method?: string, body?: string, token?: string, headers?: Record<string, string> } = {}): Promise<{ status: number, json: any }> {
  const res = await fetch(url, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...headers }
  })
  const text = await res.text()
  let json: unknown = null
  try { json = JSON.parse(text) } catch {}
  return { status: res.status, json }
}
