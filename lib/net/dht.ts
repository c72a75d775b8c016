import HyperDHT from 'hyperdht'
import { LedgerError } from '../errors.js'

export type DhtAddress = HyperDHT.Address

export interface DhtOptions {
  /**
   * DHT bootstrap nodes. Required: a node never falls back to the public DHT by itself.
   * Pass 'public' to use the public bootstrap nodes on purpose.
   */
  bootstrap: DhtAddress[] | 'public'
  /** Address to bind the DHT socket to. Default '0.0.0.0' (hyperdht's default). */
  host?: string
  /** UDP port to bind. Default: any free port. */
  port?: number
  /**
   * Set when this node can be reached directly (loopback, a LAN, a server with an open port):
   * peers then connect at once instead of after a hole punch. Default false.
   */
  reachable?: boolean
}

export function createDht (opts: DhtOptions): HyperDHT {
  if (opts.bootstrap === undefined) {
    throw new LedgerError('BOOTSTRAP_REQUIRED', 'no DHT bootstrap list: give host:port addresses, or "public" for the public DHT')
  }
  const bootstrap = opts.bootstrap === 'public' ? undefined : opts.bootstrap
  return new HyperDHT({
    ...(bootstrap === undefined ? {} : { bootstrap }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.reachable === true ? { ephemeral: false, firewalled: false } : {})
  })
}

/** Parse `host:port[,host:port...]` or `public`. Throws INVALID_ARGUMENT naming the bad part. */
export function parseBootstrap (text: string): DhtAddress[] | 'public' {
  if (text.trim() === 'public') return 'public'
  const parts = text.split(',').map(s => s.trim()).filter(s => s.length > 0)
  if (parts.length === 0) throw new LedgerError('INVALID_ARGUMENT', 'empty bootstrap list: give host:port[,host:port...] or "public"')
  return parts.map(part => {
    const i = part.lastIndexOf(':')
    const host = part.slice(0, i)
    const digits = part.slice(i + 1)
    const port = Number(digits)
    if (i <= 0 || !/^[0-9]{1,5}$/.test(digits) || port < 1 || port > 65535) {
      throw new LedgerError('INVALID_ARGUMENT', `bad bootstrap address "${part}": expected host:port`)
    }
    return { host, port }
  })
}

export function formatBootstrap (list: DhtAddress[] | 'public'): string {
  return list === 'public' ? 'public' : list.map(a => `${a.host}:${a.port}`).join(',')
}
