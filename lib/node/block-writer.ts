import { packBlocks } from '../ledger/block.js'
import { TARGET_BLOCK_BYTES } from '../ledger/limits.js'

interface Pending {
  txs: Uint8Array[]
  resolve(): void
  reject(err: unknown): void
}

/**
 * Packs transactions submitted close together into blocks of up to TARGET_BLOCK_BYTES and appends
 * them to the local writer core in one call. Callers just await `write`: concurrent writes
 * coalesce, and each resolves once the append holding its transactions has completed and, with
 * `sync`, once a sync started after that append has completed. The next append does not wait for
 * the sync: it runs while the disk syncs, and the sync after it covers it.
 */
export class BlockWriter {
  private queue: Pending[] = []
  private flushing: Promise<void> | null = null
  /** The latest sync waited on; syncs complete in order. */
  private syncing: Promise<void> = Promise.resolve()

  constructor(
    private readonly append: (blocks: Uint8Array[], txs: number) => Promise<void>,
    private readonly sync: (() => Promise<unknown>) | null = null,
    private readonly targetBytes = TARGET_BLOCK_BYTES
  ) {}

  write(txs: Uint8Array[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ txs, resolve, reject })
      if (this.flushing === null) this.flushing = this.drain()
    })
  }

  /** Resolves when everything queued so far has been appended and synced (or has failed). */
  async drained(): Promise<void> {
    while (this.flushing !== null) await this.flushing
    await this.syncing
  }

  private async drain(): Promise<void> {
    // Yield once so that writes issued in the same tick join the first block.
    await new Promise((resolve) => setImmediate(resolve))
    try {
      while (this.queue.length > 0) {
        const batch = this.queue
        this.queue = []
        try {
          const txs = batch.flatMap((p) => p.txs)
          await this.append(packBlocks(txs, this.targetBytes), txs.length)
          if (this.sync === null) {
            for (const p of batch) p.resolve()
          } else {
            this.syncing = this.sync().then(
              () => {
                for (const p of batch) p.resolve()
              },
              (err) => {
                for (const p of batch) p.reject(err)
              }
            )
          }
        } catch (err) {
          for (const p of batch) p.reject(err)
        }
      }
    } finally {
      this.flushing = null
    }
  }
}
