import Protomux from 'protomux'
import c from 'compact-encoding'
import b4a from 'b4a'
import sodium from 'sodium-native'
import type Hyperswarm from 'hyperswarm'
import { LedgerError } from '../errors.js'

/** How long a new connection has to prove it holds the ledger's secret before it is closed (ms). */
export const STRANGER_WINDOW_MS = 10_000

const PROTOCOL = 'autoledger/peer-proof'
const LABEL = b4a.from(PROTOCOL)

/** The secret as a BLAKE2b key (16 to 64 bytes); INVALID_ARGUMENT for any other length. */
export function checkSecret(secret: Uint8Array): Uint8Array {
  if (secret.byteLength < 16 || secret.byteLength > 64)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `the ledger's secret must be 16 to 64 bytes (an encryption key is 32), got ${secret.byteLength}`
    )
  return secret
}

/**
 * What a peer sends to show it holds `secret`: a hash keyed by the secret over this connection's
 * Noise handshake hash (so it is good on this connection only) and the sender's own key (so a
 * proof sent back to its sender does not pass).
 */
export function peerProof(
  secret: Uint8Array,
  handshakeHash: Uint8Array,
  senderKey: Uint8Array
): Uint8Array {
  const out = b4a.alloc(32)
  sodium.crypto_generichash(out, b4a.concat([LABEL, handshakeHash, senderKey]), secret)
  return out
}

/**
 * Exchange proofs on a protomux channel of their own, and call `done` once: true as soon as the
 * remote's proof verifies, false when it does not, when the remote has no such channel, or when
 * the connection closes. `done(true)` runs while the remote's proof is handled, before its next
 * message: replication started there sees the remote's first replication messages.
 */
export function provePeer(
  conn: Hyperswarm.Connection,
  secret: Uint8Array,
  done: (proved: boolean) => void
): void {
  const expected = peerProof(secret, conn.handshakeHash, conn.remotePublicKey)
  let settled = false
  const finish = (proved: boolean): void => {
    if (settled) return
    settled = true
    done(proved)
  }
  conn.once('close', () => finish(false))
  const channel = Protomux.from(conn).createChannel({
    protocol: PROTOCOL,
    handshake: c.fixed32,
    onopen: (proof) => finish(proof instanceof Uint8Array && sodium.sodium_memcmp(proof, expected)),
    onclose: () => finish(false)
  })
  if (channel === null) finish(false)
  else channel.open(peerProof(secret, conn.handshakeHash, conn.publicKey))
}
