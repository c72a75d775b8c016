import fs from 'fs/promises'
import { OpsError } from './errors.js'
import { pidAlive } from './files.js'

/**
 * An exclusive claim on a data directory: a file holding the owner's process id, created with
 * O_EXCL. A lock left by a process that no longer exists (kill -9, power loss) is taken over.
 * The store's own RocksDB lock stays the final guard; this one fails earlier with a clear message.
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
        throw new OpsError('LOCKED', `${this.dir} is in use by another autoledger process (pid ${owner}): stop it first, or run one daemon per directory`)
      }
      // A stale lock (its process is gone) or one being written right now: clear it and try again.
      if (owner !== null) await fs.rm(this.file, { force: true })
    }
    throw new OpsError('LOCKED', `could not lock ${this.dir}: remove ${this.file} if no autoledger process uses the directory`)
  }

  /** The pid in the lock file, or null if there is none (or it is half written). */
  async owner (): Promise<number | null> {
    try {
      const pid = Number.parseInt(await fs.readFile(this.file, 'utf8'), 10)
      return Number.isSafeInteger(pid) ? pid : null
    } catch {
      return null
    }
  }

  async release (): Promise<void> {
    if (!this.held) return
    this.held = false
    if (await this.owner() === process.pid) await fs.rm(this.file, { force: true })
  }
}
