import path from 'path'
import fs from 'fs/promises'
import crypto from 'crypto'
import { cli } from '../../helpers/cli.js'

/** `status --json` with no daemon running: opens the store directly. */
export async function offlineStatus(
  dir: string
): Promise<{ head: string; length: number; daemon: unknown } | null> {
  const r = await cli(['status', '--json', '--dir', dir])
  return r.code === 0 ? (r.lines[0] as { head: string; length: number; daemon: unknown }) : null
}

/** A digest of every file under `dir` (names, sizes, contents): equal digests mean the store was not touched. */
export async function treeDigest(dir: string): Promise<string> {
  const hash = crypto.createHash('sha256')
  const walk = async (d: string): Promise<void> => {
    const names = (await fs.readdir(d, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name)
    )
    for (const e of names) {
      const p = path.join(d, e.name)
      hash.update(path.relative(dir, p) + '\0')
      if (e.isDirectory()) await walk(p)
      else if (e.isFile()) hash.update(await fs.readFile(p))
    }
  }
  await walk(dir)
  return hash.digest('hex')
}

export async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    () => true,
    () => false
  )
}
