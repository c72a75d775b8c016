import type { TxInput } from '../../lib/index.js'
import { Random } from '../../test/helpers/random.js'

/**
 * The benchmark's transactions: deterministic for a seed, so every scenario (and the local
 * ceiling) can apply exactly the same bytes. A mix of record puts and transfers between shared
 * accounts, each about TX_TARGET_BYTES encoded, with pseudo-random 16-byte ids like real clients.
 */
export interface WorkloadSpec {
  /** Index of the writer this slice belongs to (part of every record key). */
  writer: number
  count: number
  /** Shared accounts transfers move value between (opened and funded in setup). */
  accounts: number
  seed: number
  /** Share of transfers (the rest are puts). Default TRANSFER_SHARE. */
  transferShare?: number
  /**
   * Experiment: ids that start with the transaction's timestamp (6 bytes, big-endian ms) and end
   * in 10 random bytes, so the ledger's id index grows at its end instead of at random places.
   * Default false: 16 random bytes, what the library generates.
   */
  timeOrderedIds?: boolean
}

export const TRANSFER_SHARE = 0.4
/** Encoded size the padding aims for (version, id, type, timestamp, fields). */
export const TX_TARGET_BYTES = 150
/** Each shared account starts with this much: far more than any run can move out of it. */
export const ACCOUNT_FUNDS = 10n ** 15n
export const MAX_TRANSFER = 1000

/** Bytes of a transaction's fixed header: version, 16-byte id, type tag, timestamp (9-byte uint). */
const HEADER_BYTES = 1 + 16 + 1 + 9
const TIMESTAMP_BASE = 1_700_000_000_000
const PAD_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 '

export function accountName(i: number): string {
  return `acct-${String(i).padStart(4, '0')}`
}

export function generateWorkload(spec: WorkloadSpec): TxInput[] {
  const rnd = new Random(spec.seed * 1_000_003 + spec.writer * 7919 + 1)
  const share = spec.transferShare ?? TRANSFER_SHARE
  const txs: TxInput[] = []
  for (let n = 0; n < spec.count; n++) {
    const timestamp = TIMESTAMP_BASE + n
    const id = rnd.bytes(16)
    if (spec.timeOrderedIds === true) writeTimePrefix(id, timestamp)
    if (spec.accounts >= 2 && rnd.next() < share) {
      const from = rnd.int(spec.accounts)
      const to = (from + 1 + rnd.int(spec.accounts - 1)) % spec.accounts
      const amount = 1 + rnd.int(MAX_TRANSFER)
      // from, to: length byte + 9 chars each; amount: 2-3 bytes; memo: length byte + text.
      const memo = rnd.text(TX_TARGET_BYTES - HEADER_BYTES - 20 - 3 - 1, PAD_ALPHABET)
      txs.push({
        type: 'transfer',
        id,
        timestamp,
        from: accountName(from),
        to: accountName(to),
        amount,
        memo
      })
    } else {
      const key = `w${String(spec.writer).padStart(2, '0')}/${String(n).padStart(7, '0')}`
      // key: length byte + 11 chars; value: length byte + {"n":N,"d":"..."}.
      const fixed = HEADER_BYTES + 1 + key.length + 1 + `{"n":${n},"d":""}`.length
      txs.push({
        type: 'put',
        id,
        timestamp,
        key,
        value: { n, d: rnd.text(Math.max(0, TX_TARGET_BYTES - fixed), PAD_ALPHABET) }
      })
    }
  }
  return txs
}

/** Each of `writers` writers' slice of `txs` transactions, for the bench's accounts and seed. */
export function workloadSlices(
  config: { accounts: number; seed: number; timeOrderedIds: boolean },
  writers: number,
  txs: number
): WorkloadSpec[] {
  return Array.from({ length: writers }, (_, w) => ({
    writer: w,
    count: txs,
    accounts: config.accounts,
    seed: config.seed,
    timeOrderedIds: config.timeOrderedIds
  }))
}

function writeTimePrefix(id: Uint8Array, ms: number): void {
  for (let i = 5, v = ms; i >= 0; i--, v = Math.floor(v / 256)) id[i] = v % 256
}

/** The slices of W writers merged round-robin: what one node alone applies for the local ceiling. */
export function interleave<T>(slices: T[][]): T[] {
  const out: T[] = []
  const longest = Math.max(0, ...slices.map((s) => s.length))
  for (let i = 0; i < longest; i++) {
    for (const slice of slices) if (i < slice.length) out.push(slice[i])
  }
  return out
}

/**
 * The admin's setup transactions: add the other writers (the first `indexers - 1` of them as
 * indexers; the admin is the first), open and fund the shared accounts, and make every writer an
 * owner of each so any of them may debit it.
 */
export function setupTransactions(
  otherWriters: Uint8Array[],
  accounts: number,
  indexers: number
): TxInput[] {
  const txs: TxInput[] = []
  otherWriters.forEach((key, i) => txs.push({ type: 'add-writer', key, indexer: i + 1 < indexers }))
  for (let a = 0; a < accounts; a++) {
    txs.push({ type: 'open-account', account: accountName(a) })
    txs.push({ type: 'mint', account: accountName(a), amount: ACCOUNT_FUNDS })
    for (const key of otherWriters) txs.push({ type: 'add-owner', account: accountName(a), key })
  }
  return txs
}

/** Ledger length after setup: the genesis entry plus one entry per setup transaction. */
export function setupLength(writers: number, accounts: number): number {
  return 1 + (writers - 1) + accounts * (2 + (writers - 1))
}
