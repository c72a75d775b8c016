import crypto from 'crypto'
import b4a from 'b4a'
import type Corestore from 'corestore'
import { LedgerError } from '../errors.js'
import { ENCRYPTION_KEY_BYTES } from '../proof/decrypt.js'

/** A fresh random key for a new private ledger (LedgerNodeOptions.encryptionKey). */
export function newEncryptionKey(): Buffer {
  return crypto.randomBytes(ENCRYPTION_KEY_BYTES)
}

/**
 * Refuse a key autobase would silently ignore or misuse: the store of a private ledger keeps its
 * key (in its local writer core), so another key would be ignored, and a plain ledger given a key
 * would start encrypting a log whose earlier blocks are in the clear.
 */
export async function checkStoredEncryption(store: Corestore, key: Buffer | null): Promise<void> {
  if (key === null) return
  // Autobase's own local writer core and user-data names (autobase/lib/boot.js).
  const local = store.get({ name: 'local', active: false })
  try {
    await local.ready()
    const stored = await local.getUserData('autobase/encryption')
    if (stored !== null && !b4a.equals(stored, key))
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'this store holds a private ledger encrypted with another key'
      )
    const used =
      (await local.getUserData('referrer')) !== null ||
      (await local.getUserData('autobase/local')) !== null
    if (stored === null && used)
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'this store holds a ledger that is not private: an existing ledger cannot become private'
      )
  } finally {
    await local.close()
  }
}
