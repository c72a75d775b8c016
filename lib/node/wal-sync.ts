import fs from 'fs/promises'
import path from 'path'
import type Corestore from 'corestore'

const LOG_FILE = /^([0-9]+)\.log$/

/**
 * Makes everything a store has written so far survive power loss, not just a crash of the process.
 *
 * RocksDB writes each batch to its write-ahead log with write(2) and, unless a write asks for it
 * (rocksdb-native has no option to), never syncs the log: the data sits in the OS page cache, which
 * outlives the process but not the machine. This syncs the log file with fdatasync. RocksDB starts a
 * new log after each memtable flush; a log it has dropped is in synced table files already, so when
 * the log changed since the last call this also syncs the logs left in between and the directory
 * (which holds the new file's name).
 */
export class WalSync {
  /** Number of the log synced last; null before the first sync. */
  private synced: number | null = null
  private running: Promise<string[]> | null = null
  /** The sync that starts when the running one ends, shared by every call made meanwhile. */
  private queued: Promise<string[]> | null = null

  constructor(private readonly store: Corestore) {}

  /**
   * Resolves once what the store had written before the call is on disk, with the paths synced.
   * Calls made while a sync runs share the one after it (group commit).
   */
  sync(): Promise<string[]> {
    if (this.queued !== null) return this.queued // not started yet: it covers this call too
    if (this.running === null) return this.start()
    this.queued = this.running
      .catch(() => {})
      .then(() => {
        this.queued = null
        return this.start()
      })
    return this.queued
  }

  private start(): Promise<string[]> {
    const running: Promise<string[]> = this.syncNow().finally(() => {
      if (this.running === running) this.running = null
    })
    this.running = running
    return running
  }

  private async syncNow(): Promise<string[]> {
    const rocks = this.store.storage.rocks
    const current = await rocks.currentWalFile()
    const done: string[] = []
    if (current.number === this.synced) {
      const file = path.join(rocks.path, path.basename(current.path))
      if (await datasync(file)) done.push(file)
      return done
    }
    const from = this.synced ?? 0
    for (const name of await fs.readdir(rocks.path)) {
      const n = LOG_FILE.exec(name)
      if (n === null || Number(n[1]) < from || Number(n[1]) > current.number) continue
      const file = path.join(rocks.path, name)
      if (await datasync(file)) done.push(file)
    }
    if (await syncDirectory(rocks.path)) done.push(rocks.path)
    this.synced = current.number
    return done
  }
}

/** fdatasync a file; false when it is gone (RocksDB deleted a log whose data is in table files now). */
async function datasync(file: string): Promise<boolean> {
  let handle
  try {
    handle = await fs.open(file, 'r+')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
  try {
    await handle.datasync()
    return true
  } finally {
    await handle.close()
  }
}

/** fsync a directory, so that a file created in it survives power loss; false where the platform cannot (Windows). */
async function syncDirectory(dir: string): Promise<boolean> {
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
    return true
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'EISDIR' || code === 'EINVAL' || code === 'EPERM') return false
    throw err
  } finally {
    await handle.close()
  }
}
