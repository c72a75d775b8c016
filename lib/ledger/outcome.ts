/**
 * Why a transaction was rejected. Every node records the same reason for the same transaction.
 * The numeric tags are part of the wire format: append new reasons at the end, never reorder or reuse.
 */
export const REJECT_REASONS = [
  'BAD_ENCODING', // 1: the block or transaction does not decode
  'TOO_LARGE', // 2: the block or transaction is over its size bound
  'VERSION_NOT_ACTIVE', // 3: encoded with a format version above the ledger's active one
  'UNKNOWN_TYPE', // 4: a transaction type this format version does not define
  'DUPLICATE_ID', // 5: the same writer already used the id in an earlier entry
  'NOT_A_MEMBER', // 6: the author is not (or no longer) a member
  'NOT_AUTHORIZED', // 7: the operation needs the admin role
  'NOT_OWNER', // 8: only the owner of an account may debit it
  'INSUFFICIENT_FUNDS', // 9: the balance would go negative
  'INVALID_AMOUNT', // 10: amounts are integers from 1 to MAX_AMOUNT
  'AMOUNT_OVERFLOW', // 11: a balance or the supply would exceed MAX_AMOUNT
  'INVALID_KEY', // 12: record keys are 1-512 bytes of UTF-8 without NUL
  'INVALID_VALUE', // 13: record values are JSON text up to MAX_VALUE_BYTES
  'INVALID_ACCOUNT', // 14: not a valid account name
  'ACCOUNT_EXISTS', // 15: open-account of a name that is already open
  'ACCOUNT_NOT_FOUND', // 16: a named account that has not been opened
  'ALREADY_MEMBER', // 17: add-writer of a current member
  'UNKNOWN_MEMBER', // 18: remove-writer of a key that is not a member
  'LAST_INDEXER', // 19: the last indexer cannot be removed
  'LAST_ADMIN', // 20: the last admin cannot be removed
  'INVALID_VERSION', // 21: set-version cannot move the format version back
  'INVALID_MEMO', // 22: memos are up to MAX_MEMO_BYTES of UTF-8
  'INVALID_WRITER_KEY', // 23: writer keys are 32 bytes
  'TOO_MANY_OWNERS', // 24: an account has at most MAX_OWNERS owners
  'INVALID_INVITE', // 25: an invite needs 1 to MAX_INVITE_USES uses and a 32-byte id and key
  'INVITE_EXISTS', // 26: add-invite of an id already recorded
  'UNKNOWN_INVITE', // 27: revoke-invite or add-writer naming an invite never recorded
  'INVITE_REVOKED', // 28: the invite was revoked
  'INVITE_USED', // 29: the invite has added as many nodes as it allows
  'INVITE_EXPIRED', // 30: the add-writer's timestamp is past the invite's expiry
  'INVITE_MISMATCH' // 31: the add-writer grants another role or indexer flag than its invite
] as const

export type RejectReason = (typeof REJECT_REASONS)[number]

/** Outcome tag 0 is "accepted"; tag n > 0 is REJECT_REASONS[n - 1]. */
export const ACCEPTED = 0

export function reasonTag(reason: RejectReason): number {
  return REJECT_REASONS.indexOf(reason) + 1
}

/** The reason an entry records: one this release knows, or `REASON_<tag>` for the tag of a newer release's reason. */
export type EntryReason = RejectReason | `REASON_${number}`

/** The reason for an outcome tag, or null for accepted. An unknown tag (a newer release) reads as its number. */
export function reasonOf(tag: number): EntryReason | null {
  if (tag === ACCEPTED) return null
  return REJECT_REASONS[tag - 1] ?? `REASON_${tag}`
}
