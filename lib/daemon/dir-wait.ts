import { openLocal } from '../api/local.js'
import type { LocalNode, OpenLocalOptions } from '../api/local.js'
import { DirLock, RUN_LOCK_WAIT_MS } from '../datadir/lock.js'
import { runningDaemon } from '../datadir/announce.js'
import { LedgerError, codeOf, isStoreLockError } from '../errors.js'
import type { DataPaths } from '../datadir/config.js'
import type { Logger } from './log.js'

/** Faster than a command polls, so that a restarting daemon is not starved by a stream of commands. */
const LOCK_POLL_MS = 10

/**
 * Open a data directory's node for a daemon. A short-lived command (`put`, `status`, ... with no
 * daemon running) holds the directory while it runs, and a supervisor restarting the daemon can
 * start it just then: wait for such a holder, up to RUN_LOCK_WAIT_MS, and log `waiting-for-dir`
 * naming it. A running daemon holding the directory will not let go: that fails at once.
 * The same goes for the store's own RocksDB lock (held by a process that opened the store
 * without the directory's lock file).
 */
export async function openForDaemon(
  paths: DataPaths,
  opts: OpenLocalOptions,
  log: Logger
): Promise<LocalNode> {
  const started = Date.now()
  let logged: string | null = null
  for (;;) {
    try {
      const local = await openLocal(paths, opts)
      if (logged !== null) log.info('dir-free', { waitedMs: Date.now() - started })
      return local
    } catch (err) {
      if (codeOf(err) !== 'LOCKED') throw err
      const daemon = await runningDaemon(paths)
      if (daemon !== null) {
        throw new LedgerError(
          'LOCKED',
          `${paths.dir} is in use by a running daemon (pid ${daemon.pid}, ${daemon.url}): stop it first, or run one daemon per directory`,
          { cause: err }
        )
      }
      const store = isStoreLockError((err as Error).cause)
      const pid = store ? null : await new DirLock(paths.lock, paths.dir).owner()
      const holder = store
        ? 'another process (it has the store open)'
        : pid === null
          ? 'another process'
          : `pid ${pid}`
      if (Date.now() - started >= RUN_LOCK_WAIT_MS) {
        throw new LedgerError(
          'LOCKED',
          `${paths.dir} is still in use by ${holder} after waiting ${RUN_LOCK_WAIT_MS / 1000} s: stop that process first`,
          { cause: err }
        )
      }
      if (logged !== holder) {
        log.warn('waiting-for-dir', {
          pid,
          held: store ? 'store' : 'lock',
          maxMs: RUN_LOCK_WAIT_MS
        })
        logged = holder
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS))
    }
  }
}
