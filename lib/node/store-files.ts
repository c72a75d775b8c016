import fs from 'fs/promises'
import path from 'path'

/**
 * Undo what a crash during a store's very first open leaves behind. The storage layer creates its
 * device file (CORESTORE) empty and writes it in a second step; killed in between, the store could
 * never be opened again ("Invalid device file"). An empty device file records nothing, so removing
 * it lets the next open write it afresh. Any other content is left for the storage layer to judge.
 */
export async function repairInterruptedCreate(dir: string): Promise<void> {
  const file = path.join(dir, 'CORESTORE')
  try {
    if ((await fs.stat(file)).size === 0) await fs.rm(file, { force: true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
}
