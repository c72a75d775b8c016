import Hyperswarm from 'hyperswarm'
import type HyperDHT from 'hyperdht'
import type Autobase from 'autobase'
import { createDht } from './dht.js'
import type { DhtOptions } from './dht.js'
import { toHex } from '../ledger/ids.js'
import type { SwarmKey } from '../ledger/ids.js'
import { checkSecret, provePeer, STRANGER_WINDOW_MS } from './peer-proof.js'

export type NetworkOptions = DhtOptions | { dht: HyperDHT }

export interface LedgerNetworkOptions {
  base: Autobase<unknown>
  network: NetworkOptions
  /** The node's identity on the swarm: kept across restarts, so peers can name (and block) it. */
  keyPair: { publicKey: Buffer; secretKey: Buffer }
  /** Swarm keys (hex) to refuse from the start. */
  blocked: string[]
  /** Swarm keys (hex) of the only peers to connect with (blocked ones still refused); null: any peer. */
  allow?: string[] | null
  /**
   * A secret every peer must prove it holds (see peer-proof.ts) before the two replicate; null:
   * replicate with any peer that connects.
   */
  secret?: Uint8Array | null
  /**
   * Asked when a peer fails the proof (or has sent none): true keeps its connection open, without
   * replication, until the stranger window ends, for a protocol that pairs over it. Default: close it.
   */
  admitStranger?: () => boolean
  /** How long a peer has to prove the secret before it is closed (ms). Default STRANGER_WINDOW_MS. */
  strangerWindow?: number
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
  /** Swarm keys (hex) of the only peers allowed in; null: any peer. */
  private allowedKeys: Set<string> | null
  /** Connections that replicate: every one without a secret, else those whose proof verified. */
  private readonly admitted = new Set<Hyperswarm.Connection>()

  private readonly base: Autobase<unknown>
  private readonly onPeers: LedgerNetworkOptions['onPeers']

  constructor(opts: LedgerNetworkOptions) {
    const { base, network, keyPair, blocked, onPeers } = opts
    const secret =
      opts.secret === undefined || opts.secret === null ? null : checkSecret(opts.secret)
    this.base = base
    this.onPeers = onPeers
    for (const key of blocked) this.blockedKeys.add(key)
    this.allowedKeys = opts.allow === undefined || opts.allow === null ? null : new Set(opts.allow)
    const dht = 'dht' in network ? network.dht : createDht(network)
    const window = opts.strangerWindow ?? STRANGER_WINDOW_MS
    const admitStranger = opts.admitStranger ?? (() => false)
    // A peer off the allowlist may still come in as a stranger (to pair, never to replicate).
    const refusedAtOnce = (key: string): boolean =>
      this.blockedKeys.has(key) || (this.unlisted(key) && !admitStranger())
    this.swarm = new Hyperswarm({
      dht,
      keyPair,
      firewall: (key) => refusedAtOnce(toHex(key))
    })
    this.swarm.on('connection', (conn: Hyperswarm.Connection) => {
      conn.on('error', () => {}) // a peer dropping is routine; replication resumes on reconnect
      const key = toHex(conn.remotePublicKey)
      if (refusedAtOnce(key)) {
        conn.destroy()
        return
      }
      // A stranger (off the allowlist, or not proving the secret) is closed when the window ends.
      const closer = setTimeout(() => conn.destroy(), window)
      conn.once('close', () => clearTimeout(closer))
      if (this.unlisted(key)) return
      if (secret === null) {
        clearTimeout(closer)
        this.admit(conn)
        return
      }
      provePeer(conn, secret, (proved) => {
        if (proved) {
          clearTimeout(closer)
          this.admit(conn)
        } else if (!admitStranger()) conn.destroy()
      })
    })
  }

  private refuses(key: string): boolean {
    return this.blockedKeys.has(key) || this.unlisted(key)
  }

  private unlisted(key: string): boolean {
    return this.allowedKeys !== null && !this.allowedKeys.has(key)
  }

  /** Replicate over a connection, and count it as a peer while it lasts. */
  private admit(conn: Hyperswarm.Connection): void {
    if (conn.destroyed) return
    this.admitted.add(conn)
    conn.once('close', () => {
      this.admitted.delete(conn)
      this.onPeers(this.peers, false)
    })
    this.base.replicate(conn)
    this.onPeers(this.peers, true)
  }

  get peers(): number {
    return this.admitted.size
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
    return [...this.admitted].map((c) => toHex(c.remotePublicKey))
  }

  blocked(): string[] {
    return [...this.blockedKeys]
  }

  /** The allowlist, or null when any peer may connect. */
  allowed(): string[] | null {
    return this.allowedKeys === null ? null : [...this.allowedKeys]
  }

  /** Stop replicating with a peer: drop its connections (resolves once they are closed) and refuse new ones, both ways. */
  async block(key: string): Promise<void> {
    this.blockedKeys.add(key)
    await this.dropRefused()
  }

  /** Let a blocked peer back in, and look the ledger up again so the two reconnect at once. */
  unblock(key: string): void {
    if (this.blockedKeys.delete(key)) this.reconnect(key)
  }

  /** Put a peer on the allowlist (the first one turns the list on: every other peer is dropped). */
  async allow(key: string): Promise<void> {
    this.allowedKeys ??= new Set()
    this.allowedKeys.add(key)
    await this.dropRefused()
    this.reconnect(key)
  }

  /** Take a peer off the allowlist and drop it. The list stays on, even when it becomes empty. */
  async disallow(key: string): Promise<void> {
    if (this.allowedKeys?.delete(key) === true) await this.dropRefused()
  }

  /** Close the connections of every peer refused now; resolves once they are closed. */
  private async dropRefused(): Promise<void> {
    const closing = [...this.swarm.connections]
      .filter((c) => this.refuses(toHex(c.remotePublicKey)))
      .map((conn) => {
        const closed = new Promise((resolve) => conn.once('close', resolve))
        conn.destroy()
        return closed
      })
    await Promise.all(closing)
  }

  /** Look the ledger up again so that a peer let back in reconnects at once. */
  private reconnect(key: string): void {
    if (this.refuses(key)) return
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
