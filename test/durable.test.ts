import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import { spawn, spawnSync } from 'child_process'
import Corestore from 'corestore'
import { WalSync } from '../lib/node/wal-sync.js'
import { createNode } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { MAIN_JS } from './helpers/cli.js'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import { within } from './helpers/wait.js'

const HAS_STRACE = spawnSync('strace', ['-V']).status === 0

interface HeldSync {
  /** Resolves when a sync has started (and is being held back). */
  started: Promise<void>
  release(): void
}

/** Count (and, after `hold`, hold back) every WalSync.sync in this process until the test ends. */
function watchSyncs(t: test.Test): { calls: () => number; hold: () => HeldSync } {
  const original = WalSync.prototype.sync
  let calls = 0
  let held: { gate: Promise<void>; started: () => void } | null = null
  WalSync.prototype.sync = async function (this: WalSync) {
    calls++
    if (held !== null) {
      held.started()
      await held.gate
    }
    return original.call(this)
  }
  t.teardown(() => {
    WalSync.prototype.sync = original
  })
  return {
    calls: () => calls,
    hold: () => {
      let release = (): void => {}
      let started = (): void => {}
      const gate = new Promise<void>((resolve) => {
        release = resolve
      })
      const start = new Promise<void>((resolve) => {
        started = resolve
      })
      held = { gate, started }
      return {
        started: start,
        release: () => {
          held = null
          release()
        }
      }
    }
  }
}

test('durable - the sync covers the RocksDB log that holds what was just written, and a new log with its directory', async (t) => {
  const dir = await tmpdir(t)
  const store = new Corestore(dir)
  t.teardown(() => store.close())
  const core = store.get({ name: 'writer' })
  await core.ready()
  const wal = new WalSync(store)
  const db = store.storage.rocks.path

  const first = Buffer.from('first block, to be found in the log')
  await core.append(first)
  const synced = await wal.sync()
  const logs = synced.filter((f) => f.endsWith('.log'))
  t.is(logs.length, 1, 'one log synced')
  t.ok((await fs.readFile(logs[0])).includes(first), 'and it holds the block')
  t.ok(synced.includes(db), 'the first sync also syncs the directory')

  await core.append(Buffer.from('second'))
  t.alike(await wal.sync(), logs, 'the same log again: only the log, no directory')

  // A memtable flush makes RocksDB start a new log.
  await (store.storage as unknown as { db: { flush(): Promise<void> } }).db.flush()
  const third = Buffer.from('third block, in the new log')
  await core.append(third)
  const after = await wal.sync()
  const next = after.filter((f) => f.endsWith('.log') && !logs.includes(f))
  t.is(next.length, 1, 'the new log is synced')
  t.ok((await fs.readFile(next[0])).includes(third), 'and it holds the new block')
  t.ok(after.includes(db), 'with the directory that holds its name')
  t.ok(path.basename(next[0]) > path.basename(logs[0]), 'a newer log number')

  await core.append(Buffer.from('fourth'))
  const running = wal.sync()
  await core.append(Buffer.from('fifth'))
  const [second, alsoSecond] = [wal.sync(), wal.sync()]
  t.is(second, alsoSecond, 'calls made while a sync runs share the next one')
  t.not(running, second)
  t.ok((await running).length > 0 && (await second).length > 0)
})

test('durable - a submit resolves only after its block is synced, and concurrent submits share one sync', async (t) => {
  const syncs = watchSyncs(t)
  const node = await createNode(t)
  await node.waitUntil(async () => (node.length >= 1 ? true : null))
  const before = syncs.calls()

  const held = syncs.hold()
  let resolved = 0
  const submits = Array.from({ length: 20 }, (_, i) =>
    node.submit({ type: 'put', key: `k${i}`, value: i }).then((r) => {
      resolved++
      return r
    })
  )
  await within(held.started, 10_000, 'the sync of the block')
  // The block is in the local log now and its sync is held back: no submit may have resolved.
  await new Promise((resolve) => setImmediate(resolve))
  t.is(resolved, 0, 'no submit resolved while its sync was pending')
  held.release()
  const receipts = await Promise.all(submits)
  t.is(receipts.length, 20)
  t.is(syncs.calls() - before, 1, 'twenty concurrent submits, one block, one sync')
})

test('durable - durable: false never syncs', async (t) => {
  const syncs = watchSyncs(t)
  const node = await createNode(t, { durable: false })
  await Promise.all(
    Array.from({ length: 5 }, (_, i) => node.submit({ type: 'put', key: `k${i}`, value: i }))
  )
  await node.submit({ type: 'put', key: 'last', value: 0 })
  t.is(syncs.calls(), 0)
})

/** `autoledger put` on `dir` (no daemon: it opens the store) under strace; the trace's lines. */
async function tracedPut(dir: string): Promise<string[]> {
  const trace = path.join(path.dirname(dir), `put-${Date.now()}.trace`)
  const child = spawn(
    'strace',
    [
      '-f',
      '-y',
      '-e',
      'trace=write,fdatasync,fsync',
      '-e',
      'signal=none',
      '-o',
      trace,
      process.execPath,
      MAIN_JS,
      'put',
      'k',
      'v',
      '--dir',
      dir,
      '--json'
    ],
    { stdio: 'ignore' }
  )
  const code = await new Promise((resolve) => child.once('exit', resolve))
  if (code !== 0) throw new Error(`put under strace exited ${String(code)}`)
  return (await fs.readFile(trace, 'utf8')).split('\n')
}

const LOG_WRITE = /write\(\d+<([^>]*\/db\/[0-9]+\.log)>/
// A sync another thread interrupts is printed as `<tid> fdatasync(<fd>...) <unfinished ...>`, and its end later as `<tid> <... fdatasync resumed>`.
const LOG_SYNC = /^(\d+) +(f(?:data)?sync)\(\d+<([^>]*\/db\/[0-9]+\.log)>/
const ANSWER = /write\(1<[^>]*>, "\{/

/**
 * The logs whose sync both started and ended between the command's first write to a RocksDB log
 * and its answer on stdout. (RocksDB syncs an old log itself when it flushes the memtables it
 * recovered on open: that is before the window.)
 */
function syncsBeforeAnswer(lines: string[]): { written: string; synced: string[] } {
  const first = lines.findIndex((l) => LOG_WRITE.test(l))
  const answer = lines.findIndex((l) => ANSWER.test(l))
  if (first < 0 || answer < first) throw new Error('the trace shows no log write before the answer')
  const synced: string[] = []
  for (let i = first; i < answer; i++) {
    const m = LOG_SYNC.exec(lines[i])
    if (m === null) continue
    const [, tid, call, file] = m
    const end = lines[i].includes('<unfinished')
      ? lines.findIndex((l, j) => j > i && l.startsWith(`${tid} <... ${call} resumed>`))
      : i
    if (end >= 0 && end < answer) synced.push(file)
  }
  return { written: LOG_WRITE.exec(lines[first])![1], synced }
}

test(
  'durable - run --no-durable / --durable set the config key; commands follow it (syscalls seen with strace)',
  { skip: !HAS_STRACE },
  async (t) => {
    const dir = await ledgerDir(t)
    const config = async (): Promise<unknown> =>
      (JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as { durable: unknown })
        .durable

    const durableLine = (lines: string[]): unknown =>
      (JSON.parse(lines.find((l) => l.includes('"event":"ready"'))!) as { durable: unknown })
        .durable
    const fast = await startDaemon(t, dir, ['--no-durable'])
    t.is(durableLine(fast.proc.stderrLines), false, 'the ready log line says writes are not synced')
    t.is(await fast.proc.stop(), 0)
    t.is(await config(), false, '--no-durable is saved as "durable": false')
    t.alike(
      syncsBeforeAnswer(await tracedPut(dir)).synced,
      [],
      'a command on that directory answers without syncing the log'
    )

    const safe = await startDaemon(t, dir, ['--durable'])
    t.is(durableLine(safe.proc.stderrLines), true)
    t.is(await safe.proc.stop(), 0)
    t.is(await config(), true, '--durable is saved as "durable": true')
    const { written, synced } = syncsBeforeAnswer(await tracedPut(dir))
    t.ok(
      synced.includes(written),
      `the log the block went to is synced before the command answers (wrote ${written}, synced ${synced.join(', ') || 'none'})`
    )
  }
)
