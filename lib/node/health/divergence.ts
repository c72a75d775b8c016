import b4a from 'b4a'

/** Where this node's own derivation of the ledger and the signed ledger part. */
export interface Divergence {
  /** The length both were compared at. */
  length: number
  /** The first position whose entry differs. */
  position: number
  /** This node's own head hash at `length`: the hash of its entry `length - 1`. */
  head: string
  /** The signed head hash at `length`. */
  signedHead: string
}

/** The hash of the entry at a position in one of the two ledgers, or null when it cannot be read now. */
export type EntryHash = (position: number) => Promise<Uint8Array | null>

/**
 * Compare two ledgers that agree below `from`, up to `length`. Entries are hash-chained, so one
 * comparison at `length - 1` tells whether they agree; if not, a binary search finds the first
 * entry that differs. Null when they agree, or when an entry could not be read (try again later).
 */
export async function compareLedgers(
  own: EntryHash,
  signed: EntryHash,
  from: number,
  length: number
): Promise<Divergence | null> {
  if (length <= from) return null
  const last = await differs(own, signed, length - 1)
  if (last === null || !last.differs) return null
  // Entries below `lo` agree; entry `hi` differs.
  let lo = from
  let hi = length - 1
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    const at = await differs(own, signed, mid)
    if (at === null) return null
    if (at.differs) hi = mid
    else lo = mid + 1
  }
  return {
    length,
    position: hi,
    head: b4a.toString(last.own, 'hex'),
    signedHead: b4a.toString(last.signed, 'hex')
  }
}

async function differs(
  own: EntryHash,
  signed: EntryHash,
  position: number
): Promise<{ differs: boolean; own: Uint8Array; signed: Uint8Array } | null> {
  const [a, b] = await Promise.all([own(position), signed(position)])
  if (a === null || b === null) return null
  return { differs: !b4a.equals(a, b), own: a, signed: b }
}
