import fs from 'fs/promises'
import { LedgerError } from '../errors.js'
import { pidAlive } from './files.js'

/** A lock file that does not hold a pid is taken over once it is this old (ms): it was left half written. */
export const UNREADABLE_LOCK_MS = 2000
/** How long `autoledger run` waits for a directory that a process other than a daemon holds (ms): a command finishing. */
export const RUN_LOCK_WAIT_MS = 10_000

/**
 * An exclusive claim on a data directory: a file holding the owner's process id, created with
 * O_EXCL. A lock left by a process that no longer exists (kill -9, power loss) is taken over, and
 * so is one that holds no pid (empty or garbage) once it is UNREADABLE_LOCK_MS old. The store's
 * own RocksDB lock stays the final guard; this one fails earlier with a clear message.
 */
export class DirLock {
  private held = false

  constructor (readonly file: string, readonly dir: string) {}

  /** Take the lock, or throw LOCKED naming the process that holds it. */
  async acquire (): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await fs.writeFile(this.file, `${process.pid}\n`, { flag: 'wx', mode: 0o644 })
        this.held = true
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
      const owner = await this.owner()
      if (owner !== null && owner !== process.pid && pidAlive(owner)) {
        throw new LedgerError('LOCKED', `${this.dir} is in use by another autoledger process (pid ${owner}): stop it first, or run one daemon per directory (if pid ${owner} is not autoledger, remove ${this.file})`)
      }
      // A stale lock (its process is gone), or one without a pid that is old enough to be left over; a
      // newer one without a pid is being written right now: look again.
      if (owner !== null || await this.age() > UNREADABLE_LOCK_MS) await fs.rm(this.file, { force: true })
    }
    throw new LedgerError('LOCKED', `could not lock ${this.dir}: remove ${this.file} if no autoledger process uses the directory`)
  }

  /** The pid in the lock file, or null if there is none (or it is half written). */
  async owner (): Promise<number | null> {
    try {
      const text = (await fs.readFile(this.file, 'utf8')).trim()
      const pid = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN
      return Number.isSafeInteger(pid) && pid > 0 ? pid : null
    } catch {
      return null
    }
  }

  /** How long ago (ms) the lock file was last written; 0 if it is gone. */
  private async age (): Promise<number> {
    try {
      return Date.now() - (await fs.stat(this.file)).mtimeMs
    } catch {
      return 0
    }
  }

  async release (): Promise<void> {
    if (!this.held) return
    this.held = false
    if (await this.owner() === process.pid) await fs.rm(this.file, { force: true })
  }
}
