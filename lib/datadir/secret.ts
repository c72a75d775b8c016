import fs from 'fs/promises'
import b4a from 'b4a'
import { LedgerError, messageOf } from '../errors.js'
import { newEncryptionKey } from '../node/encryption.js'

/** What a key file holds: the encryption key as 64 lowercase or uppercase hex characters (a newline after it is fine). */
const KEY_PATTERN = /^[0-9a-fA-F]{64}$/

/**
 * The encryption key of a private ledger from a key file: `<dir>/secret`, or one given to
 * `join --secret-file`. BAD_CONFIG for a file that is missing or holds no key; the message
 * never quotes the file's content.
 */
export async function readKeyFile(file: string): Promise<Buffer> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new LedgerError(
      'BAD_CONFIG',
      code === 'ENOENT'
        ? `${file} does not exist: a private ledger needs its key file (copy it from a node of the ledger)`
        : `cannot read the key file ${file} (${messageOf(err)})`,
      { cause: err }
    )
  }
  const hex = text.trim()
  if (!KEY_PATTERN.test(hex))
    throw new LedgerError(
      'BAD_CONFIG',
      `${file} does not hold an encryption key (64 hex characters): restore it from a node of the ledger`
    )
  return b4a.from(hex, 'hex') as Buffer
}

/** The data directory's key file, read; one others could read is set to 0600 first (`tightened`). */
export async function loadSecret(file: string): Promise<{ key: Buffer; tightened: boolean }> {
  let tightened = false
  try {
    const stat = await fs.stat(file)
    if (!stat.isFile())
      throw new LedgerError('BAD_CONFIG', `${file} is not a file: restore the ledger's key file`)
    tightened = (stat.mode & 0o077) !== 0
    if (tightened) await fs.chmod(file, 0o600)
  } catch (err) {
    if (err instanceof LedgerError) throw err
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new LedgerError('BAD_CONFIG', `cannot use the key file ${file} (${messageOf(err)})`, {
        cause: err
      })
  }
  return { key: await readKeyFile(file), tightened }
}

/**
 * A new private ledger's key file: a fresh key, written only if the file does not exist ('wx').
 * An existing valid one is kept: an init interrupted before it wrote the config left it, and may
 * have created the store with it.
 */
export async function createSecret(file: string): Promise<void> {
  if (!(await writeKeyFile(file, newEncryptionKey()))) await loadSecret(file)
}

/**
 * Save a private ledger's key given by the user (`join --secret-file`) in the data directory's
 * key file. One that already holds this key is kept, one with another key is BAD_CONFIG.
 */
export async function saveSecret(file: string, key: Uint8Array): Promise<void> {
  if (await writeKeyFile(file, key)) return
  const { key: existing } = await loadSecret(file)
  if (!b4a.equals(existing, key))
    throw new LedgerError(
      'BAD_CONFIG',
      `${file} already holds another encryption key: use another --dir`
    )
}

/** Write a key file with mode 0600 unless the file exists: false then. */
async function writeKeyFile(file: string, key: Uint8Array): Promise<boolean> {
  try {
    await fs.writeFile(file, b4a.toString(key, 'hex') + '\n', { flag: 'wx', mode: 0o600 })
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new LedgerError('BAD_CONFIG', `cannot write the key file ${file} (${messageOf(err)})`, {
      cause: err
    })
  }
}
