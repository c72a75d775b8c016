import b4a from 'b4a'
import { INVITE_ID_BYTES, TX_ID_BYTES, WRITER_KEY_BYTES } from './limits.js'

/** How many bytes an id of each kind has. */
export const ID_BYTES = {
  'ledger key': 32,
  'writer key': WRITER_KEY_BYTES,
  'swarm key': 32,
  'tx id': TX_ID_BYTES,
  'invite id': INVITE_ID_BYTES
} as const

export type IdKind = keyof typeof ID_BYTES

declare const kind: unique symbol

/**
 * Bytes known to be an id of one kind, so a writer key cannot be passed where a swarm key or a tx
 * id belongs. Input becomes one only through a parser below; the keys a node holds itself (from
 * autobase and the swarm) are typed as such where the node reads them.
 */
export type Id<K extends IdKind> = Uint8Array & { readonly [kind]: K }

/** The autobase's key: what `join` takes and peers find the ledger by. */
export type LedgerKey = Id<'ledger key'>
/** A writer core's key: a member, the author of an entry, the owner of a writer-key account. */
export type WriterKey = Id<'writer key'>
/** A node's key on the swarm: what peers are listed and blocked by. */
export type SwarmKey = Id<'swarm key'>
/** A transaction id, unique per writer. */
export type TxId = Id<'tx id'>
/** An invite's id: what a joining node's pairing request names (derived from the invite's public key). */
export type InviteId = Id<'invite id'>

/** An id as callers give it: hex (either case) or bytes. */
export type KeyInput = string | Uint8Array

const HEX = /^[0-9a-fA-F]*$/
const LOWER_HEX = /^[0-9a-f]*$/

/** Hex (either case) or bytes of exactly the kind's size, as that id; null for anything else. */
export function parseId<K extends IdKind>(k: K, v: unknown): Id<K> | null {
  const size = ID_BYTES[k]
  if (typeof v === 'string')
    return v.length === size * 2 && HEX.test(v) ? (b4a.from(v, 'hex') as Id<K>) : null
  return v instanceof Uint8Array && v.byteLength === size ? (v as Id<K>) : null
}

export const parseLedgerKey = (v: unknown): LedgerKey | null => parseId('ledger key', v)
export const parseWriterKey = (v: unknown): WriterKey | null => parseId('writer key', v)
export const parseSwarmKey = (v: unknown): SwarmKey | null => parseId('swarm key', v)
export const parseTxId = (v: unknown): TxId | null => parseId('tx id', v)

/** The canonical text of an id (or any bytes): lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return b4a.toString(bytes, 'hex')
}

/** Whether `text` is an id of this kind in its canonical text (lowercase hex), as stored in config files and account names. */
export function isCanonicalId(k: IdKind, text: unknown): text is string {
  return typeof text === 'string' && text.length === ID_BYTES[k] * 2 && LOWER_HEX.test(text)
}
