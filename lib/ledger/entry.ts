import c from 'compact-encoding'
import b4a from 'b4a'
import crypto from 'hypercore-crypto'
import { decodeExact } from './primitives.js'
import { TX_ID_BYTES } from './limits.js'

/** One position of the ledger: a transaction as a writer wrote it, and its outcome. */
export interface EntryRecord {
  seq: number
  /** Key of the writer core the block came from: the authenticated author. */
  writer: Uint8Array
  /** Index of the block in the writer's own log. */
  writerSeq: number
  /** Index of the transaction within its block. */
  index: number
  id: Uint8Array | null
  /** The transaction bytes; empty when they were not kept (too large, or the block did not decode). */
  tx: Uint8Array
  /** BLAKE2b-256 of the transaction bytes (of the whole block when the block did not decode). */
  digest: Uint8Array
  /** 0 for accepted, else a reason tag (see outcome.ts). */
  outcome: number
  /**
   * For each subject an accepted transaction changed (see subjectsOf), the position of the
   * previous entry that changed it, or -1: the history of a record or account is this chain.
   */
  links: number[]
  /** Hash of the previous entry; 32 zero bytes for entry 0. */
  prev: Uint8Array
  /** BLAKE2b-256 of this entry's encoding up to here: hash_n = H(hash_{n-1}, entry_n). */
  hash: Uint8Array
}

export type EntryFields = Omit<EntryRecord, 'hash'>

const ENTRY_VERSION = 1
const HAS_ID = 1

export const GENESIS_HASH: Uint8Array = b4a.alloc(32)

type State = ReturnType<typeof c.state>

/** Links are stored as position + 1, so 0 means "no earlier entry". */
const linkList = c.array(c.uint)

const body = {
  preencode(state: State, e: EntryFields): void {
    state.end += 1
    c.uint.preencode(state, e.seq)
    state.end += 32
    c.uint.preencode(state, e.writerSeq)
    c.uint.preencode(state, e.index)
    c.uint.preencode(state, e.id ? HAS_ID : 0)
    if (e.id) state.end += TX_ID_BYTES
    c.buffer.preencode(state, e.tx)
    state.end += 32
    c.uint.preencode(state, e.outcome)
    linkList.preencode(
      state,
      e.links.map((l) => l + 1)
    )
    state.end += 32
  },
  encode(state: State, e: EntryFields): void {
    c.uint8.encode(state, ENTRY_VERSION)
    c.uint.encode(state, e.seq)
    c.fixed32.encode(state, e.writer)
    c.uint.encode(state, e.writerSeq)
    c.uint.encode(state, e.index)
    c.uint.encode(state, e.id ? HAS_ID : 0)
    if (e.id) c.fixed(TX_ID_BYTES).encode(state, e.id)
    c.buffer.encode(state, e.tx)
    c.fixed32.encode(state, e.digest)
    c.uint.encode(state, e.outcome)
    linkList.encode(
      state,
      e.links.map((l) => l + 1)
    )
    c.fixed32.encode(state, e.prev)
  },
  decode(state: State): EntryFields {
    const version = c.uint8.decode(state)
    if (version !== ENTRY_VERSION) throw new Error('Unknown entry version ' + version)
    const seq = c.uint.decode(state)
    const writer = c.fixed32.decode(state)
    const writerSeq = c.uint.decode(state)
    const index = c.uint.decode(state)
    const flags = c.uint.decode(state)
    const id = flags & HAS_ID ? c.fixed(TX_ID_BYTES).decode(state) : null
    const tx = c.buffer.decode(state) ?? b4a.alloc(0)
    const digest = c.fixed32.decode(state)
    const outcome = c.uint.decode(state)
    const links = linkList.decode(state).map((l) => l - 1)
    const prev = c.fixed32.decode(state)
    return { seq, writer, writerSeq, index, id, tx, digest, outcome, links, prev }
  }
}

/** Encode an entry and chain it: returns the bytes to append and the entry's hash. */
export function sealEntry(fields: EntryFields): { bytes: Uint8Array; hash: Uint8Array } {
  const state = c.state()
  body.preencode(state, fields)
  const bodyEnd = state.end
  state.end += 32
  state.buffer = b4a.allocUnsafe(state.end)
  body.encode(state, fields)
  const hash = crypto.hash(state.buffer.subarray(0, bodyEnd))
  state.buffer.set(hash, bodyEnd)
  return { bytes: state.buffer, hash }
}

/** Decode a stored entry. Throws only on bytes this release did not write (a corrupt store). */
export function openEntry(bytes: Uint8Array): EntryRecord {
  const bodyBytes = bytes.subarray(0, bytes.byteLength - 32)
  const fields = decodeExact(body, bodyBytes)
  if (fields === null) throw new Error('Corrupt ledger entry')
  return { ...fields, hash: bytes.subarray(bytes.byteLength - 32) }
}

/** Recompute an entry's hash from its bytes: true when the stored hash matches. */
export function verifyEntry(bytes: Uint8Array): boolean {
  const bodyEnd = bytes.byteLength - 32
  return bodyEnd > 0 && b4a.equals(crypto.hash(bytes.subarray(0, bodyEnd)), bytes.subarray(bodyEnd))
}

export function digest(bytes: Uint8Array): Uint8Array {
  return crypto.hash(bytes)
}
