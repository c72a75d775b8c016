import Hyperswarm from 'hyperswarm'
import type HyperDHT from 'hyperdht'
import { loopbackDht } from '../../test/helpers/loopback.js'
import type { DhtAddress } from '../../lib/index.js'
import { dropDht } from './process-stats.js'

/** A baseline peer's network: a reachable DHT node of its own on the loopback testnet, and a swarm on one topic. */
export class PeerSwarm {
  readonly dht: HyperDHT
  private readonly swarm: Hyperswarm

  /** Join `topic` as client and server; every connection is handed to `replicate`. */
  constructor(
    bootstrap: DhtAddress[],
    topic: Uint8Array,
    replicate: (conn: Hyperswarm.Connection) => void
  ) {
    this.dht = loopbackDht(bootstrap, { reachable: true })
    this.swarm = new Hyperswarm({ dht: this.dht })
    this.swarm.on('connection', (conn: Hyperswarm.Connection) => {
      conn.on('error', () => {})
      replicate(conn)
    })
    this.swarm.join(topic, { server: true, client: true })
  }

  async destroy(): Promise<void> {
    await dropDht(this.dht)
    await this.swarm.destroy()
  }
}
