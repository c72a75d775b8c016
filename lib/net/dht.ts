import HyperDHT from 'hyperdht'
import { LedgerError } from '../errors.js'
import type { DhtAddress } from './bootstrap.js'

export { parseBootstrap, formatBootstrap } from './bootstrap.js'
export type { DhtAddress } from './bootstrap.js'

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

export function createDht(opts: DhtOptions): HyperDHT {
  if (opts.bootstrap === undefined) {
    throw new LedgerError(
      'BOOTSTRAP_REQUIRED',
      'no DHT bootstrap list: give host:port addresses, or "public" for the public DHT'
    )
  }
  const bootstrap = opts.bootstrap === 'public' ? undefined : opts.bootstrap
  return new HyperDHT({
    ...(bootstrap === undefined ? {} : { bootstrap }),
    ...(opts.host === undefined ? {} : { host: opts.host }),
    ...(opts.port === undefined ? {} : { port: opts.port }),
    ...(opts.reachable === true ? { ephemeral: false, firewalled: false } : {})
  })
}
