import fs from 'fs/promises'
import { LedgerError } from '../errors.js'

/**
 * Free space (bytes) the daemon keeps in reserve: below it, writes are refused with DISK_FULL.
 * RocksDB holds up to two 64 MiB memtables in its write-ahead log and writes each out as a new
 * file before it drops the log, so a store can need about that much room at once.
 */
export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024

/**
 * Refuses writes while the file system of the data directory has less than `minFree` bytes
 * available, so that a full disk is a clear DISK_FULL reply instead of a write failing inside
 * RocksDB (which closes the ledger). Reads are never refused.
 */
export class DiskGuard {
  constructor(
    readonly dir: string,
    readonly minFree = DEFAULT_MIN_FREE_BYTES
  ) {}

  /** Bytes available to this process on the directory's file system. */
  async free(): Promise<number> {
    const s = await fs.statfs(this.dir)
    return s.bavail * s.bsize
  }

  /** Throw DISK_FULL when the reserve is not there; does nothing if free space cannot be read. */
  async check(): Promise<void> {
    if (this.minFree <= 0) return
    let free: number
    try {
      free = await this.free()
    } catch {
      return
    }
    if (free < this.minFree) {
      throw new LedgerError(
        'DISK_FULL',
        `only ${mib(free)} free on the disk of ${this.dir}; writes need ${mib(this.minFree)} (--min-free): free some space, then retry. Reads still work`
      )
    }
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
