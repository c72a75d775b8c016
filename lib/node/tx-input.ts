import crypto from 'hypercore-crypto'
import { LedgerError } from '../errors.js'
import { validateTx, encodingVersionOf } from '../ledger/tx.js'
import type { Tx } from '../ledger/tx.js'
import { ID_BYTES, parseId } from '../ledger/ids.js'
import type { Id, IdKind, KeyInput } from '../ledger/ids.js'
import type { AmountInput, Role, TxInputBody } from '../ledger/tx-types.js'
import { TX_ID_BYTES } from '../ledger/limits.js'

export type { AmountInput } from '../ledger/tx-types.js'
export type { KeyInput } from '../ledger/ids.js'

/** A transaction as callers write it. `id` defaults to a new time-ordered id (see newTxId), `timestamp` to now. */
export type TxInput = { id?: KeyInput; timestamp?: number } & TxInputBody

/** Turn caller input into a transaction, or throw a LedgerError naming what is wrong with it. */
export function toTx(input: TxInput, version: number): Tx {
  if (typeof input !== 'object' || input === null) throw invalid('a transaction must be an object')
  const timestamp = input.timestamp ?? Date.now()
  const header = {
    version,
    id: input.id === undefined ? newTxId(timestamp) : requireId('tx id', input.id, 'id'),
    timestamp
  }
  if (!Number.isSafeInteger(header.timestamp) || header.timestamp < 0)
    throw invalid('timestamp must be a non-negative integer (ms)')
  const body = toBody(input, header)
  const tx = { ...body, version: Math.max(version, encodingVersionOf(body)) }
  const reason = validateTx(tx)
  if (reason !== null) throw new LedgerError(reason, `${tx.type} rejected before submit: ${reason}`)
  return tx
}

function toBody(input: TxInput, header: Pick<Tx, 'version' | 'id' | 'timestamp'>): Tx {
  switch (input.type) {
    case 'put':
      return { ...header, type: 'put', key: str(input.key, 'key'), value: toJson(input.value) }
    case 'del':
      return { ...header, type: 'del', key: str(input.key, 'key') }
    case 'open-account':
      return { ...header, type: 'open-account', account: str(input.account, 'account') }
    case 'mint':
      return {
        ...header,
        type: 'mint',
        account: str(input.account, 'account'),
        amount: toAmount(input.amount)
      }
    case 'transfer':
      return {
        ...header,
        type: 'transfer',
        from: str(input.from, 'from'),
        to: str(input.to, 'to'),
        amount: toAmount(input.amount),
        memo: input.memo === undefined ? '' : str(input.memo, 'memo')
      }
    case 'add-writer':
      return {
        ...header,
        type: 'add-writer',
        key: requireId('writer key', input.key, 'key'),
        ...toGrant(input),
        invite: optionalId('invite id', input.invite, 'invite')
      }
    case 'add-invite': {
      if (!Number.isSafeInteger(input.expires)) throw invalid('expires must be an integer (ms)')
      if (!Number.isSafeInteger(input.uses)) throw invalid('uses must be an integer')
      return {
        ...header,
        type: 'add-invite',
        invite: requireId('invite id', input.invite, 'invite'),
        key: requireId('invite id', input.key, 'key'),
        ...toGrant(input),
        expires: input.expires,
        uses: input.uses
      }
    }
    case 'revoke-invite':
      return {
        ...header,
        type: 'revoke-invite',
        invite: requireId('invite id', input.invite, 'invite')
      }
    case 'remove-writer':
      return { ...header, type: 'remove-writer', key: requireId('writer key', input.key, 'key') }
    case 'set-version':
      if (!Number.isSafeInteger(input.format)) throw invalid('format must be an integer')
      return { ...header, type: 'set-version', format: input.format }
    case 'add-owner':
      return {
        ...header,
        type: 'add-owner',
        account: str(input.account, 'account'),
        key: requireId('writer key', input.key, 'key')
      }
    default:
      throw new LedgerError(
        'UNKNOWN_TYPE',
        `unknown transaction type ${JSON.stringify((input as { type: unknown }).type)}`
      )
  }
}

/** The role and indexer flag an add-writer or an invite grants: a writer, not an indexer, unless it says otherwise. */
function toGrant(input: { role?: unknown; indexer?: unknown }): { role: Role; indexer: boolean } {
  const role = input.role ?? 'writer'
  if (role !== 'admin' && role !== 'writer') throw invalid('role must be "admin" or "writer"')
  if (input.indexer !== undefined && input.indexer !== null && typeof input.indexer !== 'boolean')
    throw invalid('indexer must be true or false')
  return { role, indexer: input.indexer === true }
}

function optionalId<K extends IdKind>(kind: K, v: unknown, name: string): Id<K> | null {
  return v === undefined || v === null ? null : requireId(kind, v, name)
}

function toJson(value: unknown): string {
  let text: string | undefined
  try {
    text = JSON.stringify(value)
  } catch (err) {
    throw new LedgerError(
      'INVALID_VALUE',
      'put needs a value that JSON can represent (no bigint, no cycles)',
      { cause: err }
    )
  }
  if (text === undefined)
    throw new LedgerError('INVALID_VALUE', 'put needs a value that JSON can represent')
  return text
}

/**
 * A fresh id: the timestamp in ms (6 bytes, big-endian) then 10 random bytes, like a UUIDv7.
 * Unique all the same, but ids that sort by time land next to each other in the ledger's id
 * index, which makes indexing one about twice as cheap as a random id.
 */
export function newTxId(timestamp: number): Uint8Array {
  const id = crypto.randomBytes(TX_ID_BYTES)
  const ms = Number.isSafeInteger(timestamp) && timestamp >= 0 ? timestamp : 0
  id.writeUIntBE(ms % 2 ** 48, 0, 6)
  return id
}

export function toAmount(n: AmountInput): bigint {
  if (typeof n === 'bigint') return n
  if (typeof n === 'number' && Number.isSafeInteger(n)) return BigInt(n)
  if (typeof n === 'string' && /^[0-9]{1,40}$/.test(n)) return BigInt(n)
  throw new LedgerError(
    'INVALID_AMOUNT',
    'amount must be a whole number: a bigint, a safe integer or a decimal string'
  )
}

/** An id of `kind` given as hex or bytes, or INVALID_ARGUMENT naming the argument (`name`) and the size it must have. */
export function requireId<K extends IdKind>(kind: K, v: unknown, name: string): Id<K> {
  const id = parseId(kind, v)
  if (id !== null) return id
  const size = ID_BYTES[kind]
  throw invalid(
    typeof v === 'string'
      ? `${name} must be ${size} bytes as ${size * 2} hex characters`
      : `${name} must be ${size} bytes`
  )
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string') throw invalid(`${name} must be a string`)
  return v
}

function invalid(message: string): LedgerError {
  return new LedgerError('INVALID_ARGUMENT', message)
}
