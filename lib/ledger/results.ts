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
  /** Without `at`: whether the entry that set it is final. With `at`: whether the state as of `at` is (at <= final length). */
  final: boolean
  /** Only for a read as of a past position: the position asked (the state after entries 0 to at - 1). */
  at?: number
}
export interface BalanceResult {
  account: string
  balance: bigint
  /** Writer keys that may debit it; empty for a writer-key account (owned by that writer). */
  owners: string[]
  /** Position of the entry that last changed it; null if it never held value. */
  position: number | null
  /** As for RecordResult. */
  final: boolean
  /** As for RecordResult. */
  at?: number
}
export interface Member {
  key: string
  role: Role
  indexer: boolean
  since: number
  final: boolean
}

/** An invite an admin recorded: what it grants and how much of it is left. Its secret half is never in the ledger. */
export interface Invite {
  /** The invite's id (hex): an add-writer by it names it. */
  id: string
  /** Its public key (hex): a joining node's request must be signed with the matching secret key. */
  key: string
  role: Role
  indexer: boolean
  /** Expiry in ms since 1970 (the admin's clock), or null if it never expires. */
  expires: number | null
  uses: number
  used: number
  /** Writer key of the admin that recorded it, and its entry's position. */
  createdBy: string
  since: number
  /** Position of the entry that revoked it, or null. */
  revokedAt: number | null
}

/** The members as of a past position. */
export interface MembersAt {
  /** The position asked: the members after entries 0 to at - 1. */
  at: number
  /** Whether this can still change: at <= the final length. */
  final: boolean
  members: Member[]
}

/** An account as a diff shows it; an account never stored shows balance 0 and no owners. */
export interface AccountState {
  balance: bigint
  owners: string[]
}

/** A record or an account that differs between two positions. */
export type Change =
  | {
      kind: 'record'
      key: string
      /** Null when the record did not exist (or was deleted) at that position. */
      from: { value: unknown } | null
      to: { value: unknown } | null
      /** The last entry before `to` that changed it. */
      position: number
    }
  | { kind: 'account'; key: string; from: AccountState; to: AccountState; position: number }

export interface DiffOptions {
  /** Continue from here: the previous page's `next`. */
  cursor?: number
  limit?: number
}

/** What changed between the state as of `from` and as of `to`, in the order of each subject's first change. */
export interface DiffPage {
  from: number
  to: number
  /** Whether this can still change: to <= the final length. */
  final: boolean
  items: Change[]
  /** Pass as `cursor` for the next page (same from and to); null when this is the last. */
  next: number | null
}

export interface AsOfOptions {
  /** Read the state as of this position (after entries 0 to at - 1) instead of now. */
  at?: number
}
