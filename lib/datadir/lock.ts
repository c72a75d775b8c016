import fs from 'fs/promises'
import { constants } from 'fs'
import { tryLock } from 'fs-native-extensions'
import { LedgerError } from '../errors.js'

/** How long `autoledger run` waits for a directory that a process other than a daemon holds (ms): a command finishing. */
export const RUN_LOCK_WAIT_MS = 10_000

/** Attempts to lock the file at the path before giving up: each retry follows a holder removing it as we opened it. */
const LOCK_ATTEMPTS = 5

/**
 * An exclusive claim on a data directory: an operating-system lock on its lock file (the kind the
 * store itself uses), held while the process runs and released by the kernel when it exits, even by
 * kill -9: there is no stale lock to detect and take over, so two processes can never both hold it.
 * The file holds the owner's process id, for messages and for the daemon announcement check.
 */
export class DirLock {
  private handle: fs.FileHandle | null = null

  constructor(
    readonly file: string,
    readonly dir: string
  ) {}

  /** Take the lock, or throw LOCKED naming the process that holds it. */
  async acquire(): Promise<void> {
    for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
      const handle = await fs.open(this.file, constants.O_RDWR | constants.O_CREAT, 0o644)
      let locked = false
      try {
        locked = tryLock(handle.fd)
        // A holder removes the file as it lets go: locking the file it removed claims nothing.
        if (locked && (await isAtPath(handle, this.file))) {
          await handle.truncate(0)
          await handle.write(`${process.pid}\n`, 0)
          this.handle = handle
          return
        }
      } catch (err) {
        await handle.close()
        throw err
      }
      await handle.close()
      if (!locked) {
        const owner = await this.owner()
        throw new LedgerError(
          'LOCKED',
          `${this.dir} is in use by another autoledger process${owner === null ? '' : ` (pid ${owner})`}: stop it first, or run one daemon per directory`
        )
      }
    }
    throw new LedgerError(
      'LOCKED',
      `could not lock ${this.dir}: other processes kept taking and releasing it`
    )
  }

  /** The pid written in the lock file, or null if there is none (no holder, or one still writing it). A killed holder's pid stays: check that it is alive. */
  async owner(): Promise<number | null> {
    try {
      const text = (await fs.readFile(this.file, 'utf8')).trim()
      const pid = /^[0-9]{1,10}$/.test(text) ? Number(text) : NaN
      return Number.isSafeInteger(pid) && pid > 0 ? pid : null
    } catch {
      return null
    }
  }

  async release(): Promise<void> {
    const handle = this.handle
    if (handle === null) return
    this.handle = null
    // Removed while still locked, so that a process that opens the path from now on gets a new file.
    if (await isAtPath(handle, this.file)) await fs.rm(this.file, { force: true })
    await handle.close()
  }
}

/** Whether the open file is still the one at `file` (not removed or replaced since it was opened). */
async function isAtPath(handle: fs.FileHandle, file: string): Promise<boolean> {
  try {
    const [open, named] = await Promise.all([handle.stat(), fs.stat(file)])
    return open.ino === named.ino && open.dev === named.dev
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
}
