import { dataPaths, requireConfig } from '../daemon/config.js'
import { findDaemon } from '../daemon/announce.js'
import type { Announcement } from '../daemon/announce.js'
import { readToken, validToken } from '../daemon/token.js'
import { DirLock } from '../daemon/lock.js'
import { codeOf } from '../daemon/errors.js'
import { HttpClient } from '../http/client.js'
import type { LedgerOps } from '../http/operations.js'

/** How long a command waits for a directory held by a starting daemon or another command (ms). */
const LOCK_WAIT_MS = 5000
const LOCK_POLL_MS = 100

export interface Connection {
  ops: LedgerOps
  /** The daemon the command talks to, or null when it opened the store itself. */
  daemon: Announcement | null
}

/**
 * Run `fn` against the ledger in `dir`: over HTTP when a daemon runs there (found through its
 * daemon.json), else by opening the store directly (no network) and closing it afterwards.
 */
export async function withLedger<T> (dir: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const paths = dataPaths(dir)
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    const daemon = await runningDaemon(paths)
    if (daemon !== null) {
      // A token file that holds no usable token is ignored: reads still work, writes get UNAUTHORIZED.
      const token = await readToken(paths.token).then(t => (validToken(t) ? t : null), () => null)
      return fn({ ops: new HttpClient(daemon.url, token), daemon })
    }
    const config = await requireConfig(paths)
    let local
    try {
      // Loaded here, not at start-up: a command that talks to a daemon never needs the storage stack.
      const { openLocal } = await import('../daemon/local.js')
      local = await openLocal(paths, { key: config.key })
    } catch (err) {
      // A daemon that is starting holds the lock before it announces itself; a command may be finishing.
      if (codeOf(err) === 'LOCKED' && Date.now() < deadline) {
        await new Promise(resolve => setTimeout(resolve, LOCK_POLL_MS))
        continue
      }
      throw err
    }
    try {
      return await fn({ ops: local.api, daemon: null })
    } finally {
      await local.close()
    }
  }
}

/**
 * The daemon announced in daemon.json, if it is really there: its process is alive, it holds the
 * directory's lock, and its URL is an http URL. A daemon.json left by a killed daemon (its pid gone,
 * or reused by an unrelated process) is ignored, and the command opens the store itself.
 */
async function runningDaemon (paths: ReturnType<typeof dataPaths>): Promise<Announcement | null> {
  const daemon = await findDaemon(paths.announce)
  if (daemon === null) return null
  if (await new DirLock(paths.lock, paths.dir).owner() !== daemon.pid) return null
  try {
    if (new URL(daemon.url).protocol !== 'http:') return null
  } catch {
    return null
  }
  return daemon
}
