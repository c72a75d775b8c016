import test from 'brittle'
import { spawn } from 'child_process'
import { fileURLToPath } from 'url'
import readline from 'readline'
import { cli, spawnCli } from './helpers/cli.js'
import type { Spawned } from './helpers/cli.js'
import { ledgerDir } from './helpers/daemon.js'
import { RUN_LOCK_WAIT_MS } from '../lib/datadir/lock.js'
import { exitStatusOf } from '../lib/errors.js'

const HOLD_DIR_JS = fileURLToPath(new URL('./helpers/hold-dir.js', import.meta.url))

interface Holder {
  pid: number
  /** Let go of the directory and wait for the holder to exit. */
  release(): Promise<void>
}

/** A process holding `dir` (see helpers/hold-dir.ts) until released or the test ends. */
async function holdDir(t: test.Test, dir: string, mode: 'command' | 'store'): Promise<Holder> {
  const child = spawn(process.execPath, [HOLD_DIR_JS, dir, mode], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const release = async (): Promise<void> => {
    child.stdin.end()
    await exited
  }
  t.teardown(release)
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', resolve)
    child.once('exit', (code) =>
      reject(new Error(`the holder exited (${code}) before holding ${dir}`))
    )
  })
  return { pid: Number(line.split(' ')[1]), release }
}

type LogLine = Record<string, unknown> & { event: string }

async function logEvent(proc: Spawned, event: string): Promise<LogLine> {
  return JSON.parse(
    await proc.line((l) => l.startsWith('{') && (JSON.parse(l) as LogLine).event === event, {
      stream: 'stderr'
    })
  ) as LogLine
}

for (const mode of ['command', 'store'] as const) {
  test(`run - waits for a directory held by another process (${mode === 'command' ? 'a command' : "the store's own lock"}), then starts`, async (t) => {
    const dir = await ledgerDir(t)
    const holder = await holdDir(t, dir, mode)
    const run = spawnCli(t, ['run', '--json', '--dir', dir])
    const waiting = await logEvent(run, 'waiting-for-dir')
    t.is(waiting.pid, mode === 'command' ? holder.pid : null, 'the log line names the holder')
    t.is(waiting.held, mode === 'command' ? 'lock' : 'store')
    t.is(waiting.maxMs, RUN_LOCK_WAIT_MS)
    t.ok(run.running, 'run is waiting, not failing')
    t.is(run.stdoutLines.length, 0, 'and not ready yet')

    await holder.release()
    const ready = JSON.parse(await run.line((l) => l.startsWith('{'))) as {
      event: string
      pid: number
    }
    t.is(ready.event, 'ready', 'run starts once the directory is free')
    const free = await logEvent(run, 'dir-free')
    t.ok(
      typeof free.waitedMs === 'number' && free.waitedMs < RUN_LOCK_WAIT_MS,
      `waited ${String(free.waitedMs)} ms`
    )
    t.is(await run.stop(), 0, 'and stops cleanly')
  })
}

test('run - fails with LOCKED (exit 1) once the wait for a held directory is over', async (t) => {
  const dir = await ledgerDir(t)
  const holder = await holdDir(t, dir, 'command')
  const started = Date.now()
  const r = await cli(['run', '--json', '--dir', dir])
  const ms = Date.now() - started
  t.is(r.code, exitStatusOf('LOCKED'))
  t.ok(
    new RegExp(
      `^autoledger: LOCKED: .*still in use by pid ${holder.pid} after waiting ${RUN_LOCK_WAIT_MS / 1000} s`,
      'm'
    ).test(r.stderr),
    r.stderr.trim().split('\n').pop()
  )
  t.ok(ms >= RUN_LOCK_WAIT_MS, `gave up after ${ms} ms`)
  t.is(
    r.stderr.split('\n').filter((l) => l.includes('"waiting-for-dir"')).length,
    1,
    'one waiting line for one holder'
  )
})
