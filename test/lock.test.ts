import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import { spawn } from 'child_process'
import type { ChildProcess } from 'child_process'
import readline from 'readline'
import { fileURLToPath } from 'url'
import { DirLock } from '../lib/datadir/lock.js'
import { tmpdir } from './helpers/temp.js'

const WORKER = fileURLToPath(new URL('./helpers/lock-worker.js', import.meta.url))
const RACERS = 6
const ROUNDS = 4
/** Time for every racer to start before they try (ms): process start-up is slow on a loaded machine. */
const START_DELAY_MS = 1500
/** A pid no process has: Linux pids stay below 2^22. */
const DEAD_PID = 2 ** 22 + 1

interface Racer {
  child: ChildProcess
  result: Promise<string>
}

function race(file: string, dir: string, startAt: number): Racer {
  const child = spawn(process.execPath, [WORKER, file, dir, String(startAt)], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const result = new Promise<string>((resolve, reject) => {
    readline
      .createInterface({ input: child.stdout! })
      .once('line', (line) => resolve(line.split(' ')[0]))
    child.once('exit', (code) =>
      reject(new Error(`lock worker exited (code ${code}) before it tried`))
    )
  })
  result.catch(() => {})
  return { child, result }
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  await new Promise((resolve) => child.once('exit', resolve))
}

test('lock - processes racing for a directory, over a lock left by a killed process: exactly one holds it', async (t) => {
  const dir = await tmpdir(t)
  const file = path.join(dir, 'lock')
  for (let round = 0; round < ROUNDS; round++) {
    await fs.writeFile(file, `${DEAD_PID}\n`) // what a holder killed with kill -9 leaves
    const racers = Array.from({ length: RACERS }, () =>
      race(file, dir, Date.now() + START_DELAY_MS)
    )
    const results = await Promise.all(racers.map((r) => r.result))
    t.is(
      results.filter((r) => r === 'held').length,
      1,
      `round ${round}: one of ${RACERS} holds the lock (${results.join(', ')})`
    )
    for (const r of racers) r.child.stdin!.end()
    await Promise.all(racers.map((r) => exited(r.child)))
  }
})

test('lock - a holder killed with SIGKILL frees the directory at once; a live one keeps it', async (t) => {
  const dir = await tmpdir(t)
  const file = path.join(dir, 'lock')
  const holder = race(file, dir, 0)
  t.is(await holder.result, 'held')
  const lock = new DirLock(file, dir)
  await t.exception(
    lock.acquire(),
    /LOCKED|in use by another autoledger process/,
    'refused while the holder lives'
  )
  t.is(await lock.owner(), holder.child.pid, 'the lock file names the holder')
  holder.child.kill('SIGKILL')
  await exited(holder.child)
  await lock.acquire()
  t.is(await lock.owner(), process.pid, 'taken at once after the kill')
  await lock.release()
  await t.exception(fs.stat(file), /ENOENT/, 'released: the file is removed')
})
