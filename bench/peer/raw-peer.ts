import Corestore from 'corestore'
import type Hyperswarm from 'hyperswarm'
import b4a from 'b4a'
import { generateWorkload, interleave } from '../harness/workload.js'
import type { WorkloadSpec } from '../harness/workload.js'
import { encodeTransaction, packBlocks } from '../harness/encode.js'
import { now } from '../harness/clock.js'
import { processStats } from './process-stats.js'
import { PeerSwarm } from './swarm.js'
import type { PeerBase, ProcessStats } from './protocol.js'
import { waitFor } from '../../lib/node/wait.js'
import type Hypercore from 'hypercore'

export interface RawPeerApi extends PeerBase {
  open(p: {
    dir: string
    bootstrap: Array<{ host: string; port: number }>
    topic: string
  }): Promise<{ key: string }>
  /** Encode this peer's slice into blocks (packed like the ledger's, or one per transaction) and open the other peers' cores. */
  prepare(p: {
    slices: WorkloadSpec[]
    packed: boolean
    remotes: string[]
  }): Promise<{ blocks: number; bytes: number }>
  /** Append the prepared blocks, `batch` per append call. */
  run(p: { batch: number }): Promise<{ firstSubmitAt: number; lastAcceptedAt: number }>
  /** Wait until every core (own and remote) is held in full at the given lengths; returns each core's tree hash. */
  waitAll(p: {
    lengths: Record<string, number>
    timeoutMs: number
  }): Promise<{ at: number; hashes: Record<string, string> }>
}

/** A plain hypercore writer that also replicates every other peer's core: no linearization. */
export class RawPeer implements RawPeerApi {
  private store: Corestore | null = null
  private net: PeerSwarm | null = null
  private core: Hypercore | null = null
  private readonly remotes = new Map<string, Hypercore>()
  private blocks: Uint8Array[] = []

  async open({
    dir,
    bootstrap,
    topic
  }: {
    dir: string
    bootstrap: Array<{ host: string; port: number }>
    topic: string
  }): Promise<{ key: string }> {
    const store = (this.store = new Corestore(dir))
    this.core = store.get({ name: 'bench' })
    await this.core.ready()
    this.net = new PeerSwarm(bootstrap, b4a.from(topic, 'hex'), (conn: Hyperswarm.Connection) =>
      store.replicate(conn)
    )
    return { key: b4a.toString(this.core.key, 'hex') }
  }

  async prepare({
    slices,
    packed,
    remotes
  }: {
    slices: WorkloadSpec[]
    packed: boolean
    remotes: string[]
  }): Promise<{ blocks: number; bytes: number }> {
    const encoded = interleave(slices.map(generateWorkload)).map(encodeTransaction)
    this.blocks = packed ? packBlocks(encoded) : encoded
    for (const key of remotes) {
      const core = this.store!.get({ key: b4a.from(key, 'hex') })
      await core.ready()
      core.download({ start: 0, end: -1 })
      this.remotes.set(key, core)
    }
    return { blocks: this.blocks.length, bytes: encoded.reduce((n, b) => n + b.byteLength, 0) }
  }

  async run({
    batch
  }: {
    batch: number
  }): Promise<{ firstSubmitAt: number; lastAcceptedAt: number }> {
    const core = this.core!
    const firstSubmitAt = now()
    for (let i = 0; i < this.blocks.length; i += batch)
      await core.append(this.blocks.slice(i, i + batch))
    return { firstSubmitAt, lastAcceptedAt: now() }
  }

  async waitAll({
    lengths,
    timeoutMs
  }: {
    lengths: Record<string, number>
    timeoutMs: number
  }): Promise<{ at: number; hashes: Record<string, string> }> {
    const own = this.core!
    const cores = new Map(this.remotes)
    cores.set(b4a.toString(own.key, 'hex'), own)
    const all = [...cores.entries()]
    const at = await waitFor(
      all.map(([, c]) => c),
      ['append', 'download'],
      () => {
        for (const [key, core] of all)
          if (core.contiguousLength < (lengths[key] ?? Infinity)) return null
        return now()
      },
      timeoutMs,
      'every core to be replicated'
    )
    const hashes: Record<string, string> = {}
    for (const [key, core] of all)
      hashes[key] = b4a.toString(await core.treeHash(lengths[key]), 'hex')
    return { at, hashes }
  }

  async stats(): Promise<ProcessStats> {
    return processStats(this.net?.dht ?? null)
  }

  async shutdown(): Promise<void> {
    await this.net?.destroy()
    await this.store?.close()
    this.net = null
    this.store = null
  }
}
