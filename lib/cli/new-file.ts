import fs from 'fs/promises'
import { LedgerError, messageOf } from '../errors.js'

/** A new file to write output to (`what` names the command in the error): an existing one is never overwritten. */
export async function openNewFile(file: string, what: string): Promise<fs.FileHandle> {
  try {
    return await fs.open(file, 'wx')
  } catch (err) {
    const exists = (err as NodeJS.ErrnoException).code === 'EEXIST'
    throw new LedgerError(
      'INVALID_ARGUMENT',
      exists
        ? `${file} exists: ${what} never overwrites a file; name a new one`
        : `cannot write ${file}: ${messageOf(err)}`
    )
  }
}
