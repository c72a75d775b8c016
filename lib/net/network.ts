import Hyperswarm from 'hyperswarm'
import type HyperDHT from 'hyperdht'
import type Autobase from 'autobase'
import { createDht } from './dht.js'
import type { DhtOptions } from './dht.js'
import { toHex } from '../ledger/ids.js'
import type { SwarmKey } from '../ledger/ids.js'

export type NetworkOptions = DhtOptions | { dht: HyperDHT }

export interface LedgerNetworkOptions {
  base: Autobase<unknown>
  network: NetworkOptions
  /** The node's identity on the swarm: kept across restarts, so peers can name (and block) it. */
  keyPair: { publicKey: Buffer; secretKey: Buffer }
  /** Swarm keys (hex) to refuse from the start. */
  blocked: string[]
  onPeers: (peers: number, added: boolean) => void
}

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
  /** Whether the first announcement on the DHT is done. */
  announced = false
  private refresher: NodeJS.Timeout | null = null
  /** Swarm keys (hex) of peers this node refuses to replicate with, until unblocked or restarted. */
  private readonly blockedKeys = new Set<string>()

  private readonly base: Autobase<unknown>

  constructor({ base, network, keyPair, blocked, onPeers }: LedgerNetworkOptions) {
    this.base = base
    for (const key of blocked) this.blockedKeys.add(key)
    const dht = 'dht' in network ? network.dht : createDht(network)
    this.swarm = new Hyperswarm({
      dht,
      keyPair,
      firewall: (key) => this.blockedKeys.has(toHex(key))
    })
    this.swarm.on('connection', (conn: Hyperswarm.Connection) => {
      conn.on('error', () => {}) // a peer dropping is routine; replication resumes on reconnect
      if (this.blockedKeys.has(toHex(conn.remotePublicKey))) {
        conn.destroy()
        return
      }
      conn.on('close', () => onPeers(this.peers, false))
      this.base.replicate(conn)
      onPeers(this.peers, true)
    })
  }

  get peers(): number {
    return this.swarm.connections.size
  }

  /** This node's key on the swarm: what other nodes see as its peer key. */
  get publicKey(): SwarmKey & Buffer {
    return this.swarm.keyPair.publicKey as SwarmKey & Buffer
  }

  /** The UDP port the DHT node is bound to. */
  get port(): number {
    return this.swarm.dht.address().port
  }

  /** Swarm keys (hex) of the peers connected now. */
  peerKeys(): string[] {
    return [...this.swarm.connections].map((c) => toHex(c.remotePublicKey))
  }

  blocked(): string[] {
    return [...this.blockedKeys]
  }

  /** Stop replicating with a peer: drop its connections (resolves once they are closed) and refuse new ones, both ways. */
  async block(key: string): Promise<void> {
    this.blockedKeys.add(key)
    const closing = [...this.swarm.connections]
      .filter((c) => toHex(c.remotePublicKey) === key)
      .map((conn) => {
        const closed = new Promise((resolve) => conn.once('close', resolve))
        conn.destroy()
        return closed
      })
    await Promise.all(closing)
  }

  /** Let a blocked peer back in, and look the ledger up again so the two reconnect at once. */
  unblock(key: string): void {
    if (!this.blockedKeys.delete(key)) return
    this.swarm.peers.get(key)?.ban(false) // hyperswarm bans a peer our firewall refused
    this.discovery?.refresh({ server: true, client: true }).catch(() => {})
  }

  join(): void {
    this.discovery = this.swarm.join(this.base.discoveryKey, { server: true, client: true })
    this.discovery.flushed().then(
      () => {
        this.announced = true
      },
      () => {}
    )
    this.refresher = setInterval(() => {
      if (this.peers === 0) this.discovery?.refresh({ server: true, client: true }).catch(() => {})
    }, ALONE_REFRESH_MS)
    this.refresher.unref()
  }

  /** Resolves once this node is announced and the current lookup is done. */
  async flushed(): Promise<void> {
    if (this.discovery !== null) await this.discovery.flushed()
    await this.swarm.flush()
  }

  async close(): Promise<void> {
    if (this.refresher !== null) clearInterval(this.refresher)
    let timer: NodeJS.Timeout | undefined
    const clean = this.swarm.destroy().then(() => true) // also destroys the DHT node
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS, false)
    })
    const done = await Promise.race([clean, late])
    clearTimeout(timer)
    if (!done) await this.swarm.destroy({ force: true })
  }
}
