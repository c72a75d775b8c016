import Hyperswarm from 'hyperswarm'
import type HyperDHT from 'hyperdht'
import type Autobase from 'autobase'
import { createDht } from './dht.js'
import type { DhtOptions } from './dht.js'

export type NetworkOptions = DhtOptions | { dht: HyperDHT }

/**
 * Finds peers of one ledger on the DHT (by the autobase's discovery key) and replicates the
 * ledger over every connection, as client and server at once.
 */
export class LedgerNetwork {
  readonly swarm: Hyperswarm
  private discovery: Hyperswarm.Discovery | null = null

  constructor (private readonly base: Autobase<unknown>, opts: NetworkOptions) {
    const dht = 'dht' in opts ? opts.dht : createDht(opts)
    this.swarm = new Hyperswarm({ dht })
    this.swarm.on('connection', (conn: Hyperswarm.Connection) => {
      conn.on('error', () => {}) // a peer dropping is routine; replication resumes on reconnect
      this.base.replicate(conn)
    })
  }

  get peers (): number {
    return this.swarm.connections.size
  }

  join (): void {
    this.discovery = this.swarm.join(this.base.discoveryKey, { server: true, client: true })
  }

  /** Resolves once this node is announced and the current lookup is done. */
  async flushed (): Promise<void> {
    if (this.discovery !== null) await this.discovery.flushed()
    await this.swarm.flush()
  }

  async close (): Promise<void> {
    await this.swarm.destroy() // also destroys the DHT node
  }
}
