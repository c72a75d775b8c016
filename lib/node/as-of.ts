import { LedgerError } from '../errors.js'
import { HISTORY_VERSION } from '../ledger/limits.js'
import type { LedgerReader } from '../ledger/reader.js'

/**
 * Check a position to read the state as of: a whole number, at most the ledger's length, and one
 * the history keys cover (0, the empty state, always is). Throws INVALID_ARGUMENT or HISTORY_UNAVAILABLE.
 */
export async function checkAt(
  reader: LedgerReader,
  at: number,
  name = 'position'
): Promise<number> {
  if (!Number.isSafeInteger(at) || at < 0)
    throw new LedgerError('INVALID_ARGUMENT', `${name} must be a ledger position: a whole number`)
  if (at > reader.length)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `${name} ${at} is beyond the ledger: it has ${reader.length} entries here (yet)`
    )
  if (at === 0) return at
  const start = await reader.historyStart()
  if (start === null)
    throw new LedgerError(
      'HISTORY_UNAVAILABLE',
      `this ledger keeps no history: it is at format version ${(await reader.meta()).version}; history starts once an admin activates version ${HISTORY_VERSION} (set-version ${HISTORY_VERSION})`
    )
  if (at < start)
    throw new LedgerError(
      'HISTORY_UNAVAILABLE',
      `history starts at position ${start} (where format version ${HISTORY_VERSION} became active): the state as of ${at} was not kept`
    )
  return at
}

/** Check the two positions of a diff, and its cursor. */
export async function checkRange(
  reader: LedgerReader,
  from: number,
  to: number,
  cursor: number | undefined
): Promise<void> {
  await checkAt(reader, from, 'from')
  await checkAt(reader, to, 'to')
  if (from > to)
    throw new LedgerError('INVALID_ARGUMENT', `from (${from}) must not be after to (${to})`)
  if (cursor !== undefined && (!Number.isSafeInteger(cursor) || cursor < from || cursor > to))
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `cursor must be a position from ${from} to ${to}: the next of the previous page`
    )
}
