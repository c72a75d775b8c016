import b4a from 'b4a'
import { openEntry, GENESIS_HASH } from './entry.js'
import type { EntryRecord } from './entry.js'
import { decodeTx } from './tx.js'
import type { Tx, TxType, Role } from './tx.js'
import { keys, values, decodeValue, EMPTY_META } from './layout.js'
import type { Meta } from './layout.js'
import { reasonOf } from './outcome.js'
import type { LedgerView } from './view.js'
import { readU64be, u64be } from './primitives.js'

export const DEFAULT_PAGE = 100
export const MAX_PAGE = 1000

/** A decoded transaction as the API returns it: ids and keys in hex, record values parsed. */
export type Transaction = { id: string, type: TxType, version: number, timestamp: number } & (
  | { type: 'put', key: string, value: unknown }
  | { type: 'del', key: string }
  | { type: 'open-account', account: string }
  | { type: 'mint', account: string, amount: bigint }
  | { type: 'transfer', from: string, to: string, amount: bigint, memo: string }
  | { type: 'add-writer', key: string, role: Role, indexer: boolean }
  | { type: 'remove-writer', key: string }
  | { type: 'set-version', format: number }
  | { type: 'add-owner', account: string, key: string }
)

export interface Entry {
  position: number
  /** Writer key (hex) of the block's author. */
  writer: string
  /** Index of the block in the writer's log. */
  writerPosition: number
  /** Index of the transaction in its block. */
  index: number
  id: string | null
  /** Null when the bytes did not decode (see `reason`) or were too large to keep. */
  tx: Transaction | null
  outcome: 'accepted' | 'rejected'
  reason: string | null
  digest: string
  prevHash: string
  hash: string
  /** Signed by the indexer quorum: its position and outcome can no longer change. */
  final: boolean
}

export interface Page<T> {
  items: T[]
  /** Pass as `gte` (or `lt` when reverse) for the next page; null when this is the last. */
  next: number | null
}

export interface RangeOptions {
  gte?: number
  lt?: number
  limit?: number
  reverse?: boolean
}

export interface Head {
  length: number
  hash: string
  final: { length: number, hash: string }
}

export interface RecordResult { key: string, value: unknown, position: number, final: boolean }
export interface BalanceResult {
  account: string
  balance: bigint
  /** Writer keys that may debit it; empty for a writer-key account (owned by that writer). */
  owners: string[]
  /** Position of the entry that last changed it; null if it never held value. */
  position: number | null
  final: boolean
}
export interface Member { key: string, role: Role, indexer: boolean, since: number, final: boolean }

const hex = (b: Uint8Array): string => b4a.toString(b, 'hex')

/** Read-only queries over the views. Every result says whether it is final. */
export class LedgerReader {
  constructor (private readonly view: LedgerView) {}

  get length (): number {
    return this.view.log.length
  }

  get finalLength (): number {
    return Math.min(this.view.log.signedLength, this.view.log.length)
  }

  async meta (): Promise<Meta> {
    const node = await this.view.state.get(keys.meta())
    return node?.value ? decodeValue(values.meta, node.value) : EMPTY_META
  }

  async head (): Promise<Head> {
    const length = this.length
    const finalLength = this.finalLength
    return {
      length,
      hash: hex(await this.hashAt(length)),
      final: { length: finalLength, hash: hex(await this.hashAt(finalLength)) }
    }
  }

  /** Hash of the ledger's first `length` entries (the hash of entry length - 1). */
  async hashAt (length: number): Promise<Uint8Array> {
    if (length === 0) return GENESIS_HASH
    const record = await this.record(length - 1)
    return record === null ? GENESIS_HASH : record.hash
  }

  async record (position: number): Promise<EntryRecord | null> {
    if (!Number.isSafeInteger(position) || position < 0 || position >= this.length) return null
    const bytes = await this.view.log.get(position, { wait: false })
    return bytes === null ? null : openEntry(bytes)
  }

  async entry (position: number): Promise<Entry | null> {
    const record = await this.record(position)
    return record === null ? null : this.present(record)
  }

  async entries ({ gte = 0, lt, limit, reverse = false }: RangeOptions = {}): Promise<Page<Entry>> {
    const end = Math.min(lt ?? this.length, this.length)
    const size = pageSize(limit)
    const positions: number[] = []
    if (reverse) for (let i = end - 1; i >= gte && positions.length < size; i--) positions.push(i)
    else for (let i = Math.max(gte, 0); i < end && positions.length < size; i++) positions.push(i)
    const items = (await Promise.all(positions.map(p => this.entry(p)))).filter(e => e !== null)
    const last = positions[positions.length - 1]
    const more = positions.length === size && (reverse ? last > gte : last + 1 < end)
    return { items, next: more ? (reverse ? last : last + 1) : null }
  }

  async transaction (id: Uint8Array): Promise<Entry | null> {
    const node = await this.view.state.get(keys.tx(id))
    if (node?.value == null) return null
    return this.entry(decodeValue(values.seq, node.value))
  }

  async get (key: string): Promise<RecordResult | null> {
    const node = await this.view.state.get(keys.record(key))
    if (node?.value == null) return null
    const record = decodeValue(values.record, node.value)
    return { key, value: JSON.parse(record.value), position: record.seq, final: record.seq < this.finalLength }
  }

  history (key: string, opts: RangeOptions = {}): Promise<Page<Entry>> {
    return this.indexPage(keys.recordHistoryPrefix(key), opts)
  }

  accountHistory (account: string, opts: RangeOptions = {}): Promise<Page<Entry>> {
    return this.indexPage(keys.accountHistoryPrefix(account), opts)
  }

  async balance (account: string): Promise<BalanceResult> {
    const node = await this.view.state.get(keys.account(account))
    if (node?.value == null) return { account, balance: 0n, owners: [], position: null, final: true }
    const value = decodeValue(values.account, node.value)
    return {
      account,
      balance: value.balance,
      owners: value.owners.map(hex),
      position: value.seq,
      final: value.seq < this.finalLength
    }
  }

  async members (): Promise<Member[]> {
    const prefix = keys.memberPrefix()
    const members: Member[] = []
    for await (const node of this.view.state.createReadStream(prefixRange(prefix))) {
      if (node.value === null) continue
      const m = decodeValue(values.member, node.value)
      members.push({
        key: hex(node.key.subarray(prefix.byteLength)),
        role: m.admin ? 'admin' : 'writer',
        indexer: m.indexer,
        since: m.since,
        final: m.since < this.finalLength
      })
    }
    return members
  }

  private async indexPage (prefix: Uint8Array, { gte, lt, limit, reverse = false }: RangeOptions): Promise<Page<Entry>> {
    const size = pageSize(limit)
    const range = {
      gte: gte === undefined ? prefix : b4a.concat([prefix, u64(gte)]),
      lt: lt === undefined ? prefixEnd(prefix) : b4a.concat([prefix, u64(lt)]),
      reverse,
      limit: size + 1
    }
    const positions: number[] = []
    for await (const node of this.view.state.createReadStream(range)) {
      positions.push(readU64be(node.key, prefix.byteLength))
    }
    const more = positions.length > size
    if (more) positions.length = size
    const items = (await Promise.all(positions.map(p => this.entry(p)))).filter(e => e !== null)
    const last = positions[positions.length - 1]
    return { items, next: more ? (reverse ? last : last + 1) : null }
  }

  private present (r: EntryRecord): Entry {
    const tx = r.tx.byteLength > 0 ? decodeTx(r.tx) : null
    return {
      position: r.seq,
      writer: hex(r.writer),
      writerPosition: r.writerSeq,
      index: r.index,
      id: r.id === null ? null : hex(r.id),
      tx: tx === null || typeof tx === 'string' ? null : presentTx(tx),
      outcome: r.outcome === 0 ? 'accepted' : 'rejected',
      reason: reasonOf(r.outcome),
      digest: hex(r.digest),
      prevHash: hex(r.prev),
      hash: hex(r.hash),
      final: r.seq < this.finalLength
    }
  }
}

export function presentTx (tx: Tx): Transaction {
  const base = { id: hex(tx.id), version: tx.version, timestamp: tx.timestamp }
  switch (tx.type) {
    case 'put': return { ...base, type: tx.type, key: tx.key, value: parseOrText(tx.value) }
    case 'add-writer': return { ...base, type: tx.type, key: hex(tx.key), role: tx.role, indexer: tx.indexer }
    case 'remove-writer': return { ...base, type: tx.type, key: hex(tx.key) }
    case 'add-owner': return { ...base, type: tx.type, account: tx.account, key: hex(tx.key) }
    default: return { ...base, ...tx, id: base.id }
  }
}

/** Rejected puts may hold text that is not JSON: show it as a string rather than fail the read. */
function parseOrText (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function pageSize (limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)))
}

function u64 (n: number): Uint8Array {
  return u64be(Math.max(0, Math.floor(n)))
}

function prefixRange (prefix: Uint8Array): { gte: Uint8Array, lt: Uint8Array } {
  return { gte: prefix, lt: prefixEnd(prefix) }
}

/** The first key after every key that starts with `prefix` (prefixes here never end in 0xff). */
function prefixEnd (prefix: Uint8Array): Uint8Array {
  const end = b4a.from(prefix)
  end[end.byteLength - 1]++
  return end
}
