/** The result types of the ledger's queries (reader.ts), as present.ts builds them: ids, keys and hashes in lowercase hex. */
import type { Role, TransactionBody } from './tx-types.js'
import type { EntryReason } from './outcome.js'

/** A decoded transaction as the API returns it: ids and keys in hex, record values parsed. */
export type Transaction = { id: string; version: number; timestamp: number } & TransactionBody

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
  reason: EntryReason | null
  digest: string
  prevHash: string
  hash: string
  /** Signed by the indexer quorum: its position and outcome can no longer change. */
  final: boolean
}

/** An entry with its stored bytes (hex): the encoding and, in its last 32 bytes, its hash. Anyone can check the chain from these alone. */
export interface ExportedEntry extends Entry {
  bytes: string
}

export interface Page<T> {
  items: T[]
  /** Pass as `gte` (or `lt` when reverse) for the next page; null when this is the last. */
  next: number | null
}

export interface HistoryOptions {
  /** Only entries before this position; pass the previous page's `next` to page on. */
  lt?: number
  limit?: number
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
  final: { length: number; hash: string }
}

export interface RecordResult {
  key: string
  value: unknown
  position: number
  final: boolean
}
export interface BalanceResult {
  account: string
  balance: bigint
  /** Writer keys that may debit it; empty for a writer-key account (owned by that writer). */
  owners: string[]
  /** Position of the entry that last changed it; null if it never held value. */
  position: number | null
  final: boolean
}
export interface Member {
  key: string
  role: Role
  indexer: boolean
  since: number
  final: boolean
}
