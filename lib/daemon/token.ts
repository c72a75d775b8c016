import fs from 'fs/promises'
import crypto from 'crypto'

const TOKEN_BYTES = 32

/**
 * The bearer token for the daemon's write routes, in `<dir>/token` with mode 0600. Created once and
 * kept across restarts; delete the file to rotate it. A file others can read is tightened.
 */
export async function ensureToken (file: string): Promise<{ token: string, created: boolean, tightened: boolean }> {
  try {
    await fs.writeFile(file, crypto.randomBytes(TOKEN_BYTES).toString('hex') + '\n', { flag: 'wx', mode: 0o600 })
    return { token: await readToken(file), created: true, tightened: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  const stat = await fs.stat(file)
  const tightened = (stat.mode & 0o077) !== 0
  if (tightened) await fs.chmod(file, 0o600)
  const token = await readToken(file)
  if (token.length < 16) {
    await fs.rm(file, { force: true })
    return ensureToken(file)
  }
  return { token, created: false, tightened }
}

export async function readToken (file: string): Promise<string> {
  return (await fs.readFile(file, 'utf8')).trim()
}

/** Compare a presented token with the real one in constant time. */
export function tokenMatches (presented: string, token: string): boolean {
  const a = crypto.createHash('sha256').update(presented).digest()
  const b = crypto.createHash('sha256').update(token).digest()
  return crypto.timingSafeEqual(a, b)
}
