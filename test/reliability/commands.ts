import { spawn } from 'child_process'
import type { ChildProcess } from 'child_process'
import { MAIN_JS, pollUntil } from '../../lib/cli/processes.js'
import { dataPaths } from '../../lib/datadir/config.js'
import { DirLock } from '../../lib/datadir/lock.js'
import { finished } from '../helpers/process.js'
import { pause } from '../helpers/wait.js'
import { COMMAND_TIMEOUT_MS } from '../helpers/timeouts.js'
import { DaemonLoops } from './loops.js'
import type { Daemon } from './cluster.js'
import type { Ack } from './load.js'

/** Failed commands whose stderr is kept for the report. */
const MAX_FAILURES_KEPT = 3

/**
 * One short-lived `autoledger put <key> <value> --dir <dir>` after another on every daemon's
 * directory, as a user's script would write: through the daemon when it runs, else by opening the
 * store itself. A write is acknowledged when its command exits 0 and prints the transaction id.
 * Commands can be killed while they hold the directory (`killHolder`); those, and commands whose
 * daemon was killed under them, are not acknowledged and are not errors.
 */
export class CommandWrites extends DaemonLoops {
  readonly acks: Ack[] = []
  /** Failed commands counted by error code (what stderr names), other than those killed, cut by a kill or BUSY. */
  readonly errors = new Map<string, number>()
  /** The stderr lines of the first few of those failures, with when they happened (ISO time). */
  readonly failures: string[] = []
  /** Commands that ended by a signal this scenario sent. */
  killed = 0
  /** Commands that failed while their daemon was killed (the one they were talking to, or the one that started meanwhile). */
  cut = 0
  /** Commands refused with BUSY (back-pressure): a script retries those later, as the HTTP load does. */
  busy = 0
  private readonly running = new Map<Daemon, ChildProcess>()
  private readonly signalled = new Set<ChildProcess>()
  private readonly paused = new Set<Daemon>()

  /** Resolves once `n` more commands have been acknowledged; throws after `timeout` ms without. */
  async acked(n: number, timeout = 60_000): Promise<void> {
    const target = this.acks.length + n
    await pollUntil(
      async () => (this.acks.length >= target ? true : null),
      timeout,
      `${n} more acknowledged put commands (errors: ${JSON.stringify(Object.fromEntries(this.errors))})`,
      50
    )
  }

  /**
   * Wait (up to `timeout` ms) until a command of `d` holds its directory (its pid is in the lock
   * file: the daemon is down and the command opened the store), then after 0-`delayMs` ms send it
   * `signal`. Resolves with whether a command was signalled.
   */
  async killHolder(
    d: Daemon,
    signal: NodeJS.Signals,
    delayMs: number,
    timeout = 3000
  ): Promise<boolean> {
    const lock = new DirLock(dataPaths(d.dir).lock, d.dir)
    const holding = async (): Promise<ChildProcess | null> => {
      const child = this.running.get(d)
      return child !== undefined && child.exitCode === null && (await lock.owner()) === child.pid
        ? child
        : null
    }
    const child = await pollUntil(holding, timeout, 'a command holding the directory', 10).catch(
      () => null
    )
    if (child === null || this.stopped) return false
    await pause(this.rnd.int(delayMs + 1))
    if (child.exitCode !== null || child.signalCode !== null) return false
    this.signalled.add(child)
    child.kill(signal)
    return true
  }

  /** Hold `d`'s next commands until `resume(d)` (the running one finishes). */
  pause(d: Daemon): void {
    this.paused.add(d)
  }

  resume(d: Daemon): void {
    this.paused.delete(d)
    this.wake()
  }

  protected async loop(d: Daemon): Promise<void> {
    for (let n = 0; !this.stopped; n++) {
      while (this.paused.has(d) && !this.stopped)
        await new Promise<void>((resolve) => this.waiters.push(resolve))
      const key = `${d.name}/cli/${n}`
      const wait = this.rnd.next() < 0.5 ? 'none' : 'applied'
      const kills = d.kills
      const child = spawn(
        process.execPath,
        [MAIN_JS, 'put', key, String(n), '--dir', d.dir, '--json', '--wait', wait],
        { stdio: ['ignore', 'pipe', 'pipe'] }
      )
      this.running.set(d, child)
      const done = await finished(child, COMMAND_TIMEOUT_MS)
      this.running.delete(d)
      if (this.signalled.delete(child)) {
        this.killed++
        continue
      }
      if (done.code === 0) {
        const line = done.stdout.split('\n').find((l) => l.startsWith('{'))
        const id = line === undefined ? undefined : (JSON.parse(line) as { id?: string }).id
        if (typeof id === 'string') this.acks.push({ id, node: d.name, at: Date.now() })
        else this.count('exit 0 without an id', done.stdout.slice(0, 200))
        continue
      }
      const code =
        /^autoledger: ([A-Z_]+):/m.exec(done.stderr)?.[1] ?? `exit ${done.code ?? done.signal}`
      // The daemon was killed while the command ran (it may have been talking to it): the write may or may not have been made.
      if (d.kills !== kills) this.cut++
      else if (code === 'BUSY') this.busy++
      else
        this.count(
          code,
          `${new Date().toISOString()} ${d.name}: ${done.stderr.trim().split('\n')[0]}`
        )
    }
  }

  private count(code: string, detail: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1)
    if (this.failures.length < MAX_FAILURES_KEPT) this.failures.push(detail)
  }
}
