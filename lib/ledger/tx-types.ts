import type { KeyInput } from './ids.js'

export type Role = 'admin' | 'writer'

/** Amounts are exact integers: a bigint, a safe integer, or a string of decimal digits. */
export type AmountInput = bigint | number | string

/**
 * The one list of the transaction types and their fields, in wire order. A field names its kind;
 * the kind fixes how the field is spelled in each shape of a transaction (see FieldKinds), so the
 * three unions below cannot drift apart. Wire tags: TYPE_TAGS in tx.ts.
 */
interface TxFields {
  put: { key: 'text'; value: 'json' }
  del: { key: 'text' }
  'open-account': { account: 'text' }
  mint: { account: 'text'; amount: 'amount' }
  transfer: { from: 'text'; to: 'text'; amount: 'amount'; memo: 'memo' }
  'add-writer': { key: 'writerKey'; role: 'role'; indexer: 'flag'; invite: 'inviteRef' }
  'remove-writer': { key: 'writerKey' }
  'set-version': { format: 'uint' }
  'add-owner': { account: 'text'; key: 'writerKey' }
  'add-invite': {
    invite: 'key32'
    key: 'key32'
    role: 'role'
    indexer: 'flag'
    expires: 'uint'
    uses: 'uint'
  }
  'revoke-invite': { invite: 'key32' }
}

/**
 * Each field kind in the three shapes: `tx` decoded (what apply runs), `input` as callers submit it
 * (left out when `optional`), `read` as queries return it (JSON-safe but for bigint amounts).
 */
interface FieldKinds {
  text: { tx: string; input: string; read: string }
  /** JSON text on the wire, any JSON value as input, the parsed value when read (the text if it does not parse). */
  json: { tx: string; input: unknown; read: unknown }
  amount: { tx: bigint; input: AmountInput; read: bigint }
  memo: { tx: string; input: string; read: string; optional: true }
  /** 32 bytes decoded (apply checks the size: the author may run other code), hex or bytes as input, lowercase hex when read. */
  writerKey: { tx: Uint8Array; input: KeyInput; read: string }
  /** Any other 32-byte key or id (an invite's id, its public key), like writerKey. */
  key32: { tx: Uint8Array; input: KeyInput; read: string }
  /** The invite an add-writer admits its writer by; null for an add-writer by hand. */
  inviteRef: { tx: Uint8Array | null; input: KeyInput; read: string | null; optional: true }
  role: { tx: Role; input: Role; read: Role; optional: true }
  flag: { tx: boolean; input: boolean; read: boolean; optional: true }
  uint: { tx: number; input: number; read: number }
}

export type TxType = keyof TxFields

type Shape = 'tx' | 'input' | 'read'
type Kind<F, K extends keyof F> = FieldKinds[F[K] & keyof FieldKinds]
type Spelled<F, S extends Shape> = { [K in keyof F]: Kind<F, K>[S] }
type OptionalIn<F> = { [K in keyof F]: Kind<F, K> extends { optional: true } ? K : never }[keyof F]
type InputFields<F> = Omit<Spelled<F, 'input'>, OptionalIn<F>> &
  Partial<Pick<Spelled<F, 'input'>, OptionalIn<F>>>
/** One object type instead of an intersection, so editors and declaration files show plain fields. */
type Flat<T> = { [K in keyof T]: T[K] } & {}

/** A transaction's own fields, decoded. */
export type TxBody = { [T in TxType]: Flat<{ type: T } & Spelled<TxFields[T], 'tx'>> }[TxType]
/** A transaction's own fields as callers write them. */
export type TxInputBody = { [T in TxType]: Flat<{ type: T } & InputFields<TxFields[T]>> }[TxType]
/** A transaction's own fields as queries return them. */
export type TransactionBody = {
  [T in TxType]: Flat<{ type: T } & Spelled<TxFields[T], 'read'>>
}[TxType]
