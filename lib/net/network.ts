import Hyperswarm from 'hyperswarm'
import type HyperDHT from 'hyperdht'
import type Autobase from 'autobase'
import { createDht } from './dht.js'
import type { DhtOptions } from './dht.js'

export type NetworkOptions = DhtOptions | { dht: HyperDHT }

/** While a node has no peer it looks the topic up again this often (hyperswarm alone waits minutes). */
export const ALONE_REFRESH_MS = 5000
/** A clean leave (unannouncing) that takes longer than this is cut short. */
export const CLOSE_TIMEOUT_MS = 2000

/**
 * Finds peers of one ledger on the DHT (by the autobase's discovery key) and replicates the
 * ledger over every connection, as client and server at once.
 */
export class LedgerNetwork {
  readonly swarm: Hyperswarm
  private discovery: Hyperswarm.Discovery | null = null
  private refresher: NodeJS.Timeout | null = null

  constructor (private readonly base: Autobase<unknown>, opts: NetworkOptions, onPeers: (peers: number, added: boolean) => void) {
    const dht = 'dht' in opts ? opts.dht : createDht(opts)
    this.swarm = new Hyperswarm({ dht })
    this.swarm.on('connection', (conn: Hyperswarm.Connection) => {
      conn.on('error', () => {}) // a peer dropping is routine; replication resumes on reconnect
      conn.on('close', () => onPeers(this.peers, false))
      this.base.replicate(conn)
      onPeers(this.peers, true)
    })
  }

  get peers (): number {
    return this.swarm.connections.size
  }

  join (): void {
    this.discovery = this.swarm.join(this.base.discoveryKey, { server: true, client: true })
    this.refresher = setInterval(() => {
      if (this.peers === 0) this.discovery?.refresh({ server: true, client: true }).catch(() => {})
    }, ALONE_REFRESH_MS)
    this.refresher.unref()
  }

  /** Resolves once this node is announced and the current lookup is done. */
  async flushed (): Promise<void> {
    if (this.discovery !== null) await this.discovery.flushed()
    await this.swarm.flush()
  }

  async close (): Promise<void> {
    if (this.refresher !== null) clearInterval(this.refresher)
    let timer: NodeJS.Timeout | undefined
    const clean = this.swarm.destroy().then(() => true) // also destroys the DHT node
    const late = new Promise<boolean>(resolve => { timer = setTimeout(resolve, CLOSE_TIMEOUT_MS, false) })
    const done = await Promise.race([clean, late])
    clearTimeout(timer)
    if (!done) await this.swarm.destroy({ force: true })
  }
}
