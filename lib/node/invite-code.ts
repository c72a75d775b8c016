import b4a from 'b4a'
import z32 from 'z32'
import crypto from 'hypercore-crypto'
import BlindPairing from 'blind-pairing'
import { LedgerError } from '../errors.js'

const CHECKSUM_BYTES = 4

/**
 * An invite code: the blind-pairing invite (its secret seed, the ledger's discovery key, the expiry)
 * and a 4-byte checksum, in z-base-32 (lowercase letters and digits: one word to copy, and compact
 * in a QR code). The checksum turns a mistyped or cut-off code into INVALID_INVITE before any
 * network is used.
 */
export function encodeInviteCode(invite: Uint8Array): string {
  return z32.encode(b4a.concat([invite, checksum(invite)]))
}

/** The invite a code holds, or INVALID_INVITE. */
export function decodeInviteCode(code: string): {
  invite: Buffer
  decoded: BlindPairing.DecodedInvite
} {
  const bad = (why: string): never => {
    throw new LedgerError(
      'INVALID_INVITE',
      `not an invite code (${why}): copy the whole code \`autoledger invite\` printed`
    )
  }
  if (typeof code !== 'string') return bad('not text')
  let bytes: Buffer
  try {
    bytes = z32.decode(code.trim().toLowerCase())
  } catch {
    return bad('a character outside z-base-32')
  }
  if (bytes.byteLength <= CHECKSUM_BYTES) return bad('too short')
  const invite = bytes.subarray(0, bytes.byteLength - CHECKSUM_BYTES)
  if (!b4a.equals(checksum(invite), bytes.subarray(invite.byteLength))) return bad('bad checksum')
  try {
    return { invite, decoded: BlindPairing.decodeInvite(invite) }
  } catch {
    return bad('it does not decode')
  }
}

function checksum(invite: Uint8Array): Buffer {
  return crypto.hash(invite).subarray(0, CHECKSUM_BYTES)
}
