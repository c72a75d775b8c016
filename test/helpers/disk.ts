import fs from 'fs/promises'
import path from 'path'

/** Bytes of every file under `dir` (apparent size), 0 if it does not exist. */
export async function directoryBytes(dir: string): Promise<number> {
  let total = 0
  let entries
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) total += await directoryBytes(full)
    else if (entry.isFile()) total += (await fs.stat(full)).size
  }
  return total
}
