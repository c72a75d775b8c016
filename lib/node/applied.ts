import type Autobase from 'autobase'

/**
 * What a base's apply state records of one writer: how many of its blocks are applied, and whether
 * it was removed; null when it records nothing. Autobase replaces its apply state when the indexer
 * set changes (a derivation from scratch passes through the first change early on), and a read
 * that lands on the one being closed fails with SESSION_CLOSED: that is "nothing yet", and the
 * next read sees the new state.
 */
export async function appliedBy(
  base: Autobase<unknown>,
  key: Uint8Array
): Promise<{ length: number; isRemoved: boolean } | null> {
  try {
    return (await base.system?.get(key)) ?? null
  } catch (err) {
    if ((err as { code?: string }).code === 'SESSION_CLOSED') return null
    throw err
  }
}

/**
 * Every writer a base's apply state records (removed ones too), with its applied length: read again
 * from the new apply state when the one being read is swapped out underneath.
 */
export async function appliedWriters(
  base: Autobase<unknown>
): Promise<Array<{ key: Buffer; length: number; isRemoved: boolean }>> {
  for (;;) {
    try {
      const writers: Array<{ key: Buffer; length: number; isRemoved: boolean }> = []
      for await (const { key, value } of base.system?.list() ?? [])
        writers.push({ key, length: value.length, isRemoved: value.isRemoved })
      return writers
    } catch (err) {
      if ((err as { code?: string }).code !== 'SESSION_CLOSED') throw err
    }
  }
}
