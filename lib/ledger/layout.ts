import c from 'compact-encoding'
import b4a from 'b4a'
import { amount, strictString, decodeExact } from './primitives.js'
import { GENESIS_HASH } from './entry.js'
import { GENESIS_VERSION } from './limits.js'

/**
 * Keys and values of the state view (a hyperbee). Every value is compact-encoded with one
 * codec below; every key is built by one function below. Readable prefixes so a plain Hyperbee
 * reader can find its way.
 */
const META = b4a.from('meta')
const TX = b4a.from('tx/')
const RECORD = b4a.from('rec/')
const ACCOUNT = b4a.from('acct/')
const MEMBER = b4a.from('member/')
const INVITE = b4a.from('invite/')
const HISTORY = b4a.from('hist/')
const HISTORY_START = b4a.from('history')
const MEMBER_KEY_BYTES = MEMBER.byteLength + 32

export const keys = {
  meta: (): Uint8Array => META,
  /** tx/<id 16 bytes><author 32 bytes>: ids are scoped per writer, so the index holds one key per (id, author). */
  tx: (id: Uint8Array, author: Uint8Array): Uint8Array => b4a.concat([TX, id, author]),
  /** Every tx key of one id, whoever wrote it. */
  txPrefix: (id: Uint8Array): Uint8Array => b4a.concat([TX, id]),
  record: (key: string): Uint8Array => b4a.concat([RECORD, b4a.from(key)]),
  account: (name: string): Uint8Array => b4a.concat([ACCOUNT, b4a.from(name)]),
  member: (key: Uint8Array): Uint8Array => b4a.concat([MEMBER, key]),
  memberPrefix: (): Uint8Array => MEMBER,
  invite: (id: Uint8Array): Uint8Array => b4a.concat([INVITE, id]),
  invitePrefix: (): Uint8Array => INVITE,
  /** Position from which the `hist/` keys are complete; absent until format version 2 activates. */
  historyStart: (): Uint8Array => HISTORY_START,
  /**
   * hist/<uint length of the live key><live key><position u64 big-endian>: a subject's value after
   * the entry at that position changed it. The length keeps one subject's keys apart from another's
   * whatever bytes they hold; big-endian positions sort in ledger order.
   */
  history: (live: Uint8Array, position: number): Uint8Array =>
    b4a.concat([historyOf(live), positionBytes(position)]),
  /** Every history key of one subject (a live key: `rec/…`, `acct/…`, `member/…`). */
  historyOf,
  /** Every member's history keys: member keys all have one length. */
  memberHistory: (): Uint8Array => b4a.concat([HISTORY, c.encode(c.uint, MEMBER_KEY_BYTES), MEMBER])
}

function historyOf(live: Uint8Array): Uint8Array {
  return b4a.concat([HISTORY, c.encode(c.uint, live.byteLength), live])
}

function positionBytes(position: number): Uint8Array {
  const bytes = b4a.alloc(8)
  new DataView(bytes.buffer, bytes.byteOffset, 8).setBigUint64(0, BigInt(position))
  return bytes
}

/** The position at the end of a history key. */
export function historyPosition(key: Uint8Array): number {
  return Number(new DataView(key.buffer, key.byteOffset + key.byteLength - 8, 8).getBigUint64(0))
}

type State = ReturnType<typeof c.state>

export interface Codec<T> {
  preencode(state: State, v: T): void
  encode(state: State, v: T): void
  decode(state: State): T
}

export interface Meta {
  /** Entries in the ledger. */
  length: number
  /** Hash of the last entry (GENESIS_HASH when empty). */
  head: Uint8Array
  /** Active format version. */
  version: number
  /** Total value minted. Every balance sums to it. */
  supply: bigint
  /** Members with the admin role. */
  admins: number
}

export const EMPTY_META: Meta = {
  length: 0,
  head: GENESIS_HASH,
  version: GENESIS_VERSION,
  supply: 0n,
  admins: 0
}

const metaCodec: Codec<Meta> = {
  preencode(state, m) {
    c.uint.preencode(state, m.length)
    state.end += 32
    c.uint.preencode(state, m.version)
    amount.preencode(state, m.supply)
    c.uint.preencode(state, m.admins)
  },
  encode(state, m) {
    c.uint.encode(state, m.length)
    c.fixed32.encode(state, m.head)
    c.uint.encode(state, m.version)
    amount.encode(state, m.supply)
    c.uint.encode(state, m.admins)
  },
  decode(state) {
    return {
      length: c.uint.decode(state),
      head: c.fixed32.decode(state),
      version: c.uint.decode(state),
      supply: amount.decode(state),
      admins: c.uint.decode(state)
    }
  }
}

export interface RecordValue {
  /** JSON text as the writer submitted it; null once deleted (the key stays, to anchor its history). */
  value: string | null
  /** Position of the entry that last set it. */
  seq: number
}

const recordCodec: Codec<RecordValue> = {
  preencode(state, r) {
    c.bool.preencode(state, r.value !== null)
    if (r.value !== null) strictString.preencode(state, r.value)
    c.uint.preencode(state, r.seq)
  },
  encode(state, r) {
    c.bool.encode(state, r.value !== null)
    if (r.value !== null) strictString.encode(state, r.value)
    c.uint.encode(state, r.seq)
  },
  decode(state) {
    const value = c.bool.decode(state) ? strictString.decode(state) : null
    return { value, seq: c.uint.decode(state) }
  }
}

export interface AccountValue {
  balance: bigint
  /** Writers that may debit a named account (its opener first); empty for writer-key accounts, owned by that key. */
  owners: Uint8Array[]
  /** Position of the entry that last changed it. */
  seq: number
}

const ownerList = c.array(c.fixed32)

const accountCodec: Codec<AccountValue> = {
  preencode(state, a) {
    amount.preencode(state, a.balance)
    ownerList.preencode(state, a.owners)
    c.uint.preencode(state, a.seq)
  },
  encode(state, a) {
    amount.encode(state, a.balance)
    ownerList.encode(state, a.owners)
    c.uint.encode(state, a.seq)
  },
  decode(state) {
    return {
      balance: amount.decode(state),
      owners: ownerList.decode(state),
      seq: c.uint.decode(state)
    }
  }
}

export interface MemberValue {
  admin: boolean
  indexer: boolean
  /** Position of the entry that added it (0 for the creator). */
  since: number
}

const memberCodec: Codec<MemberValue> = {
  preencode(state, m) {
    c.uint.preencode(state, flags(m))
    c.uint.preencode(state, m.since)
  },
  encode(state, m) {
    c.uint.encode(state, flags(m))
    c.uint.encode(state, m.since)
  },
  decode(state) {
    const f = c.uint.decode(state)
    return { admin: (f & 1) !== 0, indexer: (f & 2) !== 0, since: c.uint.decode(state) }
  }
}

function flags(m: { admin: boolean; indexer: boolean }): number {
  return (m.admin ? 1 : 0) | (m.indexer ? 2 : 0)
}

export interface InviteValue {
  /** The invite's public key: a joining node's pairing request opens with it. */
  key: Uint8Array
  /** What the invite grants each node it adds. */
  admin: boolean
  indexer: boolean
  /** No add-writer by this invite may carry a later timestamp (ms); 0: it never expires. */
  expires: number
  /** How many nodes it may add, and how many it has added. */
  uses: number
  used: number
  /** The admin that recorded it, and the entry that did. */
  by: Uint8Array
  since: number
  /** The entry that revoked it, or null. */
  revokedAt: number | null
}

const inviteCodec: Codec<InviteValue> = {
  preencode(state, v) {
    c.uint.preencode(state, inviteFlags(v))
    state.end += 64
    for (const n of inviteNumbers(v)) c.uint.preencode(state, n)
  },
  encode(state, v) {
    c.uint.encode(state, inviteFlags(v))
    c.fixed32.encode(state, v.key)
    c.fixed32.encode(state, v.by)
    for (const n of inviteNumbers(v)) c.uint.encode(state, n)
  },
  decode(state) {
    const f = c.uint.decode(state)
    const key = c.fixed32.decode(state)
    const by = c.fixed32.decode(state)
    const expires = c.uint.decode(state)
    const uses = c.uint.decode(state)
    const used = c.uint.decode(state)
    const since = c.uint.decode(state)
    const revokedAt = f & 4 ? c.uint.decode(state) : null
    return {
      key,
      admin: (f & 1) !== 0,
      indexer: (f & 2) !== 0,
      expires,
      uses,
      used,
      by,
      since,
      revokedAt
    }
  }
}

function inviteFlags(v: InviteValue): number {
  return flags(v) | (v.revokedAt === null ? 0 : 4)
}

function inviteNumbers(v: InviteValue): number[] {
  const n = [v.expires, v.uses, v.used, v.since]
  if (v.revokedAt !== null) n.push(v.revokedAt)
  return n
}

const seqCodec: Codec<number> = c.uint

export const values = {
  meta: metaCodec,
  record: recordCodec,
  account: accountCodec,
  member: memberCodec,
  invite: inviteCodec,
  seq: seqCodec
}

export function encodeValue<T>(codec: Codec<T>, v: T): Uint8Array {
  return c.encode(codec, v)
}

/** Decode a stored value; a value that does not decode means a corrupt store, so this throws. */
export function decodeValue<T>(codec: Codec<T>, bytes: Uint8Array): T {
  const v = decodeExact(codec, bytes)
  if (v === null) throw new Error('Corrupt ledger state')
  return v
}
