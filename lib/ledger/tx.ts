import c from 'compact-encoding'
import b4a from 'b4a'
import { strictString, amount, decodeExact } from './primitives.js'
import type { RejectReason } from './outcome.js'
import { isCanonicalId } from './ids.js'
import type { TxType, TxBody } from './tx-types.js'
import {
  ENCODING_VERSION,
  INVITE_ENCODING_VERSION,
  MAX_AMOUNT,
  MAX_INVITE_USES,
  MAX_KEY_BYTES,
  MAX_MEMO_BYTES,
  MAX_VALUE_BYTES,
  INVITE_ID_BYTES,
  TX_ID_BYTES,
  WRITER_KEY_BYTES
} from './limits.js'

export type { Role, TxType, TxBody } from './tx-types.js'
import type { Role } from './tx-types.js'

export interface TxHeader {
  /** Format version the transaction is encoded with. */
  version: number
  id: Uint8Array
  /** The writer's own clock in ms: a claim, never used by apply. */
  timestamp: number
}

export type Tx = TxHeader & TxBody

/** Wire tags of the transaction types. Append-only: never reorder or reuse a tag. */
const TYPE_TAGS: Record<TxType, number> = {
  put: 1,
  del: 2,
  'open-account': 3,
  mint: 4,
  transfer: 5,
  'add-writer': 6,
  'remove-writer': 7,
  'set-version': 8,
  'add-owner': 9,
  'add-invite': 10,
  'revoke-invite': 11
}
const TYPES_BY_TAG = new Map(Object.entries(TYPE_TAGS).map(([type, tag]) => [tag, type as TxType]))

export const TX_TYPES = Object.keys(TYPE_TAGS) as TxType[]

const ROLE_ADMIN = 1
const ROLE_INDEXER = 2
/** An add-writer flag (from INVITE_ENCODING_VERSION on): the id of the invite it admits by follows. */
const BY_INVITE = 4

/** Types a transaction needs INVITE_ENCODING_VERSION to carry; below it their tags are unknown. */
const INVITE_TYPES = new Set<TxType>(['add-invite', 'revoke-invite'])

/** The version byte a transaction must be encoded with: the invite era's for what only it defines, else ENCODING_VERSION. */
export function encodingVersionOf(tx: TxBody): number {
  if (INVITE_TYPES.has(tx.type) || (tx.type === 'add-writer' && tx.invite !== null))
    return INVITE_ENCODING_VERSION
  return ENCODING_VERSION
}

/**
 * A transaction is: version (uint8), id (16 bytes), type tag (uint), timestamp (uint), then the
 * fields of its type. The version and id come first in every version, so any release can read them.
 */
export function encodeTx(tx: Tx): Uint8Array {
  const state = c.state()
  preencodeTx(state, tx)
  state.buffer = b4a.allocUnsafe(state.end)
  encodeFields(state, tx)
  return state.buffer
}

type State = ReturnType<typeof c.state>

function preencodeTx(state: State, tx: Tx): void {
  state.end += 1 + TX_ID_BYTES
  c.uint.preencode(state, TYPE_TAGS[tx.type])
  c.uint.preencode(state, tx.timestamp)
  bodyFields(tx, {
    string: (s) => strictString.preencode(state, s),
    amount: (n) => amount.preencode(state, n),
    fixed32: () => {
      state.end += WRITER_KEY_BYTES
    },
    uint: (n) => c.uint.preencode(state, n)
  })
}

function encodeFields(state: State, tx: Tx): void {
  c.uint8.encode(state, tx.version)
  c.fixed(TX_ID_BYTES).encode(state, tx.id)
  c.uint.encode(state, TYPE_TAGS[tx.type])
  c.uint.encode(state, tx.timestamp)
  bodyFields(tx, {
    string: (s) => strictString.encode(state, s),
    amount: (n) => amount.encode(state, n),
    fixed32: (b) => c.fixed32.encode(state, b),
    uint: (n) => c.uint.encode(state, n)
  })
}

interface FieldWriter {
  string(s: string): void
  amount(n: bigint): void
  fixed32(b: Uint8Array): void
  uint(n: number): void
}

/** The one place that lists each type's fields in wire order, for both preencode and encode. */
function bodyFields(tx: TxBody, w: FieldWriter): void {
  switch (tx.type) {
    case 'put':
      w.string(tx.key)
      w.string(tx.value)
      break
    case 'del':
      w.string(tx.key)
      break
    case 'open-account':
      w.string(tx.account)
      break
    case 'mint':
      w.string(tx.account)
      w.amount(tx.amount)
      break
    case 'transfer':
      w.string(tx.from)
      w.string(tx.to)
      w.amount(tx.amount)
      w.string(tx.memo)
      break
    case 'add-writer':
      w.fixed32(tx.key)
      w.uint(roleFlags(tx) | (tx.invite === null ? 0 : BY_INVITE))
      if (tx.invite !== null) w.fixed32(tx.invite)
      break
    case 'remove-writer':
      w.fixed32(tx.key)
      break
    case 'set-version':
      w.uint(tx.format)
      break
    case 'add-owner':
      w.string(tx.account)
      w.fixed32(tx.key)
      break
    case 'add-invite':
      w.fixed32(tx.invite)
      w.fixed32(tx.key)
      w.uint(roleFlags(tx))
      w.uint(tx.expires)
      w.uint(tx.uses)
      break
    case 'revoke-invite':
      w.fixed32(tx.invite)
      break
  }
}

function roleFlags(grant: { role: Role; indexer: boolean }): number {
  return (grant.role === 'admin' ? ROLE_ADMIN : 0) | (grant.indexer ? ROLE_INDEXER : 0)
}

/** The role and indexer flag in `flags`; throws (a decode failure) on a bit outside `allowed`. */
function grantOf(flags: number, allowed: number): { role: Role; indexer: boolean } {
  if (flags & ~allowed) throw new Error('Unknown role flags')
  return { role: flags & ROLE_ADMIN ? 'admin' : 'writer', indexer: (flags & ROLE_INDEXER) !== 0 }
}

/** The version byte and id of an encoded transaction, or null if it is too short to have them. */
export function readTxHeader(bytes: Uint8Array): { version: number; id: Uint8Array } | null {
  if (bytes.byteLength < 1 + TX_ID_BYTES || bytes[0] === 0) return null
  return { version: bytes[0], id: bytes.subarray(1, 1 + TX_ID_BYTES) }
}

const txDecoder = {
  decode(state: State): Tx | RejectReason {
    const version = c.uint8.decode(state)
    const id = c.fixed(TX_ID_BYTES).decode(state)
    const tag = TYPES_BY_TAG.get(c.uint.decode(state))
    const timestamp = c.uint.decode(state)
    const type =
      tag !== undefined && INVITE_TYPES.has(tag) && version < INVITE_ENCODING_VERSION
        ? undefined
        : tag
    if (type === undefined) {
      state.start = state.end // the rest belongs to a type we do not know
      return 'UNKNOWN_TYPE'
    }
    const header = { version, id, timestamp }
    switch (type) {
      case 'put':
        return {
          ...header,
          type,
          key: strictString.decode(state),
          value: strictString.decode(state)
        }
      case 'del':
        return { ...header, type, key: strictString.decode(state) }
      case 'open-account':
        return { ...header, type, account: strictString.decode(state) }
      case 'mint':
        return {
          ...header,
          type,
          account: strictString.decode(state),
          amount: amount.decode(state)
        }
      case 'transfer':
        return {
          ...header,
          type,
          from: strictString.decode(state),
          to: strictString.decode(state),
          amount: amount.decode(state),
          memo: strictString.decode(state)
        }
      case 'add-writer': {
        const key = c.fixed32.decode(state)
        const flags = c.uint.decode(state)
        const allowed =
          ROLE_ADMIN | ROLE_INDEXER | (version >= INVITE_ENCODING_VERSION ? BY_INVITE : 0)
        const grant = grantOf(flags, allowed)
        const invite = flags & BY_INVITE ? c.fixed32.decode(state) : null
        return { ...header, type, key, ...grant, invite }
      }
      case 'add-invite': {
        const invite = c.fixed32.decode(state)
        const key = c.fixed32.decode(state)
        const grant = grantOf(c.uint.decode(state), ROLE_ADMIN | ROLE_INDEXER)
        const expires = c.uint.decode(state)
        return { ...header, type, invite, key, ...grant, expires, uses: c.uint.decode(state) }
      }
      case 'revoke-invite':
        return { ...header, type, invite: c.fixed32.decode(state) }
      case 'remove-writer':
        return { ...header, type, key: c.fixed32.decode(state) }
      case 'set-version':
        return { ...header, type, format: c.uint.decode(state) }
      case 'add-owner':
        return {
          ...header,
          type,
          account: strictString.decode(state),
          key: c.fixed32.decode(state)
        }
    }
  }
}

/** Decode one transaction. Never throws: malformed bytes give a rejection reason. */
export function decodeTx(bytes: Uint8Array): Tx | RejectReason {
  if (readTxHeader(bytes) === null) return 'BAD_ENCODING'
  return decodeExact(txDecoder, bytes) ?? 'BAD_ENCODING'
}

/**
 * What an accepted transaction changes, in a fixed order: `r:<key>` for a record, `a:<name>` for an
 * account. Each entry links, per subject in this order, to the previous entry that changed it.
 */
export function subjectsOf(tx: Tx): string[] {
  switch (tx.type) {
    case 'put':
    case 'del':
      return ['r:' + tx.key]
    case 'open-account':
    case 'add-owner':
    case 'mint':
      return ['a:' + tx.account]
    case 'transfer':
      return tx.from === tx.to ? ['a:' + tx.from] : ['a:' + tx.from, 'a:' + tx.to]
    default:
      return []
  }
}

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

export function isAccountName(name: string): boolean {
  return ACCOUNT_NAME.test(name)
}

/** Accounts named by a writer key in lowercase hex belong to that writer without being opened. */
export function isWriterAccount(name: string): boolean {
  return isCanonicalId('writer key', name)
}

/** Named accounts are opened (and may be shared); writer-key accounts are neither. */
function isNamedAccount(name: string): boolean {
  return isAccountName(name) && !isWriterAccount(name)
}

function validKey(key: string): boolean {
  const len = b4a.byteLength(key)
  return len > 0 && len <= MAX_KEY_BYTES && !key.includes('\0')
}

function validValue(text: string): boolean {
  if (b4a.byteLength(text) > MAX_VALUE_BYTES) return false
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function validAmount(n: bigint): boolean {
  return n >= 1n && n <= MAX_AMOUNT
}

/**
 * Checks that need no ledger state. Run on submit (to fail fast) and again in apply (the author
 * may run other code). Returns the first failed check in a fixed order, or null.
 */
export function validateTx(tx: Tx): RejectReason | null {
  switch (tx.type) {
    case 'put':
      if (!validKey(tx.key)) return 'INVALID_KEY'
      return validValue(tx.value) ? null : 'INVALID_VALUE'
    case 'del':
      return validKey(tx.key) ? null : 'INVALID_KEY'
    case 'open-account':
      return isNamedAccount(tx.account) ? null : 'INVALID_ACCOUNT'
    case 'add-owner':
      if (!isNamedAccount(tx.account)) return 'INVALID_ACCOUNT'
      return tx.key.byteLength === WRITER_KEY_BYTES ? null : 'INVALID_WRITER_KEY'
    case 'mint':
      if (!isAccountName(tx.account)) return 'INVALID_ACCOUNT'
      return validAmount(tx.amount) ? null : 'INVALID_AMOUNT'
    case 'transfer':
      if (!isAccountName(tx.from) || !isAccountName(tx.to)) return 'INVALID_ACCOUNT'
      if (!validAmount(tx.amount)) return 'INVALID_AMOUNT'
      return b4a.byteLength(tx.memo) <= MAX_MEMO_BYTES ? null : 'INVALID_MEMO'
    case 'add-writer':
      if (tx.key.byteLength !== WRITER_KEY_BYTES) return 'INVALID_WRITER_KEY'
      return tx.invite === null || tx.invite.byteLength === INVITE_ID_BYTES
        ? null
        : 'INVALID_INVITE'
    case 'remove-writer':
      return tx.key.byteLength === WRITER_KEY_BYTES ? null : 'INVALID_WRITER_KEY'
    case 'add-invite':
      return tx.invite.byteLength === INVITE_ID_BYTES &&
        tx.key.byteLength === INVITE_ID_BYTES &&
        Number.isSafeInteger(tx.expires) &&
        tx.expires >= 0 &&
        Number.isSafeInteger(tx.uses) &&
        tx.uses >= 1 &&
        tx.uses <= MAX_INVITE_USES
        ? null
        : 'INVALID_INVITE'
    case 'revoke-invite':
      return tx.invite.byteLength === INVITE_ID_BYTES ? null : 'INVALID_INVITE'
    case 'set-version':
      return Number.isSafeInteger(tx.format) && tx.format >= 1 && tx.format <= 255
        ? null
        : 'INVALID_VERSION'
  }
}
