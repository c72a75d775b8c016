import b4a from 'b4a'
import crypto from 'hypercore-crypto'
import DefaultEncryption from 'hypercore/lib/default-encryption.js'
import { LedgerError } from '../errors.js'
import type { KeyInput } from '../ledger/ids.js'
import { LOG_VIEW } from './signers.js'

/** A private ledger's encryption key: 32 bytes, the same on every node of the ledger. */
export const ENCRYPTION_KEY_BYTES = 32

/** An encryption key given as 64 hex characters or 32 bytes, or INVALID_ARGUMENT (which never quotes it). */
export function parseEncryptionKey(input: KeyInput): Buffer {
  if (typeof input === 'string' && /^[0-9a-fA-F]{64}$/.test(input)) return Buffer.from(input, 'hex')
  if (input instanceof Uint8Array && input.byteLength === ENCRYPTION_KEY_BYTES)
    return Buffer.from(input)
  throw new LedgerError(
    'INVALID_ARGUMENT',
    `an encryption key is ${ENCRYPTION_KEY_BYTES} bytes, as bytes or ${2 * ENCRYPTION_KEY_BYTES} hex characters`
  )
}

/** Autobase's domain for a view's block key (autobase/lib/caps.js: the second of its four namespaces). */
const [, AUTOBASE_VIEW_BLOCK_KEY] = crypto.namespace('autobase', 4)

/**
 * The ledger entry in a private ledger's stored (encrypted) log view block `index`, or null when
 * the block is too short to be one. Autobase encrypts a view of manifest version 1 with hypercore's
 * default block encryption under a key derived from the ledger key, the encryption key and the
 * view's name (autobase/lib/encryption.js, `getCompatBlockKey`).
 */
export function decryptLogBlock(
  ledgerKey: Uint8Array,
  encryptionKey: Uint8Array,
  index: number,
  stored: Uint8Array
): Uint8Array | null {
  if (stored.byteLength < DefaultEncryption.PADDING) return null
  const blockKey = crypto.hash([
    AUTOBASE_VIEW_BLOCK_KEY,
    ledgerKey,
    encryptionKey,
    b4a.from(LOG_VIEW)
  ])
  const block = b4a.from(stored) // decrypted in place
  DefaultEncryption.decrypt(index, block, blockKey)
  return block.subarray(DefaultEncryption.PADDING)
}
