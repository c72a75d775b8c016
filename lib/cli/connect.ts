import { dataPaths, requireConfig } from '../datadir/config.js'
import type { DataPaths } from '../datadir/config.js'
import { runningDaemon } from '../datadir/announce.js'
import { RUN_LOCK_WAIT_MS } from '../datadir/lock.js'
import type { Announcement } from '../datadir/announce.js'
import { readToken, validToken } from '../datadir/token.js'
import { codeOf } from '../errors.js'
import { HttpClient } from '../http/client.js'
import type { LedgerOps } from '../api/operations.js'

/**
 * How long a command waits for a directory held by a starting daemon or another command (ms):
 * longer than a starting daemon waits for commands, so that a burst of commands arriving during a
 * restart is served (by the daemon once it is up) rather than refused.
 */
export const COMMAND_LOCK_WAIT_MS = RUN_LOCK_WAIT_MS + 5000
const LOCK_POLL_MS = 100

export interface Connection {
  ops: LedgerOps
  /** The daemon the command talks to, or null when it opened the store itself. */
  daemon: Announcement | null
}

/** The token in a directory's token file; null when it holds no usable token (reads still work, writes get UNAUTHORIZED). */
export async function tokenOf(paths: DataPaths): Promise<string | null> {
  return readToken(paths.token).then(
    (t) => (validToken(t) ? t : null),
    () => null
  )
}

/**
 * Run `fn` against the ledger in `dir`: over HTTP when a daemon runs there (found through its
 * daemon.json), else by opening the store directly (no network) and closing it afterwards.
 */
export async function withLedger<T>(dir: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const paths = dataPaths(dir)
  const deadline = Date.now() + COMMAND_LOCK_WAIT_MS
  for (;;) {
    const daemon = await runningDaemon(paths)
    if (daemon !== null)
      return fn({ ops: new HttpClient(daemon.url, await tokenOf(paths)), daemon })
    const config = await requireConfig(paths)
    let local
    try {
      // Loaded here, not at start-up: a command that talks to a daemon never needs the storage stack.
      const { openLocal } = await import('../api/local.js')
      local = await openLocal(paths, {
        key: config.key,
        durable: config.durable ?? true,
        mirror: config.mirror,
        private: config.private
      })
    } catch (err) {
      // A daemon that is starting holds the lock before it announces itself; a command may be finishing.
      if (codeOf(err) === 'LOCKED' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS))
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
