import type HyperDHT from 'hyperdht'
// Bootstrap lists as text, apart from the DHT itself so that the CLI can parse flags without loading it.
import { LedgerError } from '../errors.js'

export type DhtAddress = HyperDHT.Address

/** Parse `host:port[,host:port...]` or `public`. Throws INVALID_ARGUMENT naming the bad part. */
export function parseBootstrap(text: string): DhtAddress[] | 'public' {
  if (text.trim() === 'public') return 'public'
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  if (parts.length === 0)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      'empty bootstrap list: give host:port[,host:port...] or "public"'
    )
  return parts.map((part) => {
    const i = part.lastIndexOf(':')
    const host = part.slice(0, i)
    const digits = part.slice(i + 1)
    const port = Number(digits)
    if (i <= 0 || !/^[0-9]{1,5}$/.test(digits) || port < 1 || port > 65535) {
      throw new LedgerError(
        'INVALID_ARGUMENT',
        `bad bootstrap address "${part}": expected host:port`
      )
    }
    return { host, port }
  })
}

export function formatBootstrap(list: DhtAddress[] | 'public'): string {
  return list === 'public' ? 'public' : list.map((a) => `${a.host}:${a.port}`).join(',')
}
