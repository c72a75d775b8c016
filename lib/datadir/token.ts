import fs from 'fs/promises'
import crypto from 'crypto'
import { LedgerError, messageOf } from '../errors.js'

const TOKEN_BYTES = 32
/** What a usable token looks like: 16-512 printable ASCII characters without spaces (it goes in an HTTP header). */
const TOKEN_PATTERN = /^[\x21-\x7e]{16,512}$/

export interface TokenFile {
  token: string
  /** The file did not exist and was created. */
  created: boolean
  /** Others could read the file: it was set to 0600. */
  tightened: boolean
  /** The file held no usable token (empty, too short, binary, spaces): a new one replaced it. */
  replaced: boolean
}

/**
 * The bearer token for the daemon's write routes, in `<dir>/token` with mode 0600. Created once and
 * kept across restarts; delete the file to rotate it. A file others can read is tightened; one that
 * holds no usable token is replaced.
 */
export async function ensureToken(file: string): Promise<TokenFile> {
  try {
    return await loadToken(file)
  } catch (err) {
    if (err instanceof LedgerError) throw err
    throw new LedgerError(
      'BAD_CONFIG',
      `cannot use the token file ${file} (${messageOf(err)}): remove it and run again`,
      { cause: err }
    )
  }
}

async function loadToken(file: string, replaced = false): Promise<TokenFile> {
  try {
    await fs.writeFile(file, crypto.randomBytes(TOKEN_BYTES).toString('hex') + '\n', {
      flag: 'wx',
      mode: 0o600
    })
    return { token: await readToken(file), created: !replaced, tightened: false, replaced }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || replaced) throw err
  }
  const stat = await fs.stat(file)
  if (!stat.isFile())
    throw new LedgerError('BAD_CONFIG', `${file} is not a file: remove it and run again`)
  const tightened = (stat.mode & 0o077) !== 0
  if (tightened) await fs.chmod(file, 0o600)
  const token = await readToken(file)
  if (!validToken(token)) {
    await fs.rm(file, { force: true })
    return loadToken(file, true)
  }
  return { token, created: false, tightened, replaced: false }
}

export async function readToken(file: string): Promise<string> {
  return (await fs.readFile(file, 'utf8')).trim()
}

/** Whether a token can be sent in an Authorization header (what the daemon would accept from its file). */
export function validToken(token: string): boolean {
  return TOKEN_PATTERN.test(token)
}

/** Compare a presented token with the real one in constant time. */
export function tokenMatches(presented: string, token: string): boolean {
  const a = crypto.createHash('sha256').update(presented).digest()
  const b = crypto.createHash('sha256').update(token).digest()
  return crypto.timingSafeEqual(a, b)
}
