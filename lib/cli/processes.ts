import { spawn } from 'child_process'
import type { ChildProcess } from 'child_process'
import { fileURLToPath } from 'url'
import readline from 'readline'
import dgram from 'dgram'
import { LedgerError } from '../errors.js'

/** The CLI entry point of this installation. */
export const MAIN_JS = fileURLToPath(new URL('./main.js', import.meta.url))

/** How many stderr lines of a child to keep for an error report. */
const TAIL_LINES = 30

/**
 * `autoledger run` in a child process, with an IPC channel so it stops when its parent goes away.
 * `ready` resolves with the JSON line it prints once serving.
 */
export class NodeProcess {
  readonly child: ChildProcess
  readonly ready: Promise<{ url: string; key: string; writerKey: string; pid: number }>
  readonly tail: string[] = []
  readonly exited: Promise<number | null>

  constructor(
    readonly name: string,
    args: string[],
    onLog?: (line: string) => void
  ) {
    this.child = spawn(process.execPath, [MAIN_JS, 'run', '--json', ...args], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc']
    })
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)))
    readline.createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.tail.push(line)
      if (this.tail.length > TAIL_LINES) this.tail.shift()
      onLog?.(line)
    })
    const lines = readline.createInterface({ input: this.child.stdout! })
    this.ready = new Promise((resolve, reject) => {
      lines.once('line', (line) => {
        try {
          resolve(JSON.parse(line))
        } catch {
          reject(
            new LedgerError('INTERNAL', `node ${name} printed "${line}" instead of its ready line`)
          )
        }
      })
      void this.exited.then((code) =>
        reject(
          new LedgerError(
            'INTERNAL',
            `node ${name} exited (code ${code}) before it was ready:\n${this.tail.join('\n')}`
          )
        )
      )
    })
    this.ready.catch(() => {})
  }

  /** SIGTERM, then wait for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    const code = await this.exited
    clearTimeout(timer)
    return code
  }
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => resolve())
  })
  const { port } = socket.address()
  await new Promise<void>((resolve) => socket.close(() => resolve()))
  return port
}

/** Poll `check` until it returns non-null, or throw TIMEOUT naming `what`. */
export async function pollUntil<T>(
  check: () => Promise<T | null>,
  timeoutMs: number,
  what: string,
  intervalMs = 100
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== null) return value
    if (Date.now() > deadline)
      throw new LedgerError('TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
