import Corestore from 'corestore'
import Autobase from 'autobase'
import Hyperbee from 'hyperbee'
import type Hyperswarm from 'hyperswarm'
import b4a from 'b4a'
import { generateWorkload, interleave } from '../harness/workload.js'
import type { WorkloadSpec } from '../harness/workload.js'
import { encodeTransaction } from '../harness/encode.js'
import { now } from '../harness/clock.js'
import { processStats } from './process-stats.js'
import { PeerSwarm } from './swarm.js'
import type { PeerBase, ProcessStats } from './protocol.js'
import { waitFor } from '../../lib/node/wait.js'
import type Hypercore from 'hypercore'

/** The hyperbee view as the naive apply uses it: one put per transaction, no batch. */
interface NaiveView {
  readonly core: Hypercore
  put(key: Uint8Array, value: Uint8Array): Promise<void>
  close(): Promise<void>
}

/** First byte of an add-writer op. Encoded transactions start with their version (never 0). */
const ADD_WRITER = 0
/** Nodes per append call, as in the design this baseline stands for. */
const APPEND_BATCH = 100

export interface NaivePeerApi extends PeerBase {
  open(p: {
    dir: string
    key?: string
    bootstrap: Array<{ host: string; port: number }>
    ackInterval: number
  }): Promise<{ key: string; writerKey: string }>
  addWriters(p: { keys: string[]; indexers: number }): Promise<void>
  waitWritable(p: { timeoutMs: number }): Promise<void>
  prepare(p: { slices: WorkloadSpec[] }): Promise<{ count: number; bytes: number }>
  run(): Promise<{ firstSubmitAt: number; lastAcceptedAt: number }>
  /** Wait until the view holds `puts` transactions and all of it is signed; returns the view's tree hash. */
  waitFinal(p: {
    puts: number
    timeoutMs: number
  }): Promise<{ at: number; viewLength: number; hash: string; truncations: number }>
}

/**
 * The naive multi-writer design: every transaction is its own autobase node, and apply does one
 * hyperbee put per node. It is what the ledger's block packing and batched apply are measured against.
 */
export class NaivePeer implements NaivePeerApi {
  private store: Corestore | null = null
  private base: Autobase<NaiveView> | null = null
  private net: PeerSwarm | null = null
  private values: Uint8Array[] = []
  private truncations = 0

  async open({
    dir,
    key,
    bootstrap,
    ackInterval
  }: {
    dir: string
    key?: string
    bootstrap: Array<{ host: string; port: number }>
    ackInterval: number
  }): Promise<{ key: string; writerKey: string }> {
    this.store = new Corestore(dir)
    const base = (this.base = new Autobase<NaiveView>(
      this.store.namespace('naive'),
      key === undefined ? null : b4a.from(key, 'hex'),
      {
        open: (store) =>
          new Hyperbee(store.get('view'), {
            keyEncoding: 'binary',
            valueEncoding: 'binary',
            extension: false
          }) as unknown as NaiveView,
        apply: async (nodes, view, host) => {
          for (const node of nodes) {
            const value = node.value
            if (value === null || value.byteLength === 0) continue
            if (value[0] === ADD_WRITER) {
              await host.addWriter(value.subarray(1, 33), { indexer: value[33] === 1 })
              continue
            }
            await view.put(value.subarray(1, 17), value) // keyed by transaction id
          }
        },
        ackInterval
      }
    ))
    base.on('error', () => {})
    await base.ready()
    base.view.core.on('truncate', () => {
      this.truncations++
    })
    this.net = new PeerSwarm(bootstrap, base.discoveryKey, (conn: Hyperswarm.Connection) =>
      base.replicate(conn)
    )
    return { key: b4a.toString(base.key, 'hex'), writerKey: b4a.toString(base.local.key, 'hex') }
  }

  async addWriters({ keys, indexers }: { keys: string[]; indexers: number }): Promise<void> {
    await this.base!.append(
      keys.map((key, i) =>
        b4a.concat([
          b4a.from([ADD_WRITER]),
          b4a.from(key, 'hex'),
          b4a.from([i + 1 < indexers ? 1 : 0])
        ])
      )
    )
  }

  async waitWritable({ timeoutMs }: { timeoutMs: number }): Promise<void> {
    const base = this.base!
    await waitFor(
      [base],
      ['update', 'writable'],
      () => (base.writable ? true : null),
      timeoutMs,
      'the naive peer to become writable'
    )
  }

  async prepare({ slices }: { slices: WorkloadSpec[] }): Promise<{ count: number; bytes: number }> {
    this.values = interleave(slices.map(generateWorkload)).map(encodeTransaction)
    return { count: this.values.length, bytes: this.values.reduce((n, v) => n + v.byteLength, 0) }
  }

  async run(): Promise<{ firstSubmitAt: number; lastAcceptedAt: number }> {
    const base = this.base!
    const firstSubmitAt = now()
    for (let i = 0; i < this.values.length; i += APPEND_BATCH)
      await base.append(this.values.slice(i, i + APPEND_BATCH))
    return { firstSubmitAt, lastAcceptedAt: now() }
  }

  async waitFinal({
    puts,
    timeoutMs
  }: {
    puts: number
    timeoutMs: number
  }): Promise<{ at: number; viewLength: number; hash: string; truncations: number }> {
    const base = this.base!
    const target = puts + 1 // the hyperbee header block, then one block per put
    const at = await waitFor(
      [base],
      ['update'],
      () => {
        const core = base.view.core
        return core.length >= target && core.signedLength >= target ? now() : null
      },
      timeoutMs,
      `${puts} signed puts in the naive view`
    )
    const hash = b4a.toString(await base.view.core.treeHash(target), 'hex')
    return { at, viewLength: base.view.core.length, hash, truncations: this.truncations }
  }

  async stats(): Promise<ProcessStats> {
    return processStats(this.net?.dht ?? null)
  }

  async shutdown(): Promise<void> {
    await this.net?.destroy()
    await this.base?.close()
    await this.store?.close()
    this.net = null
    this.base = null
    this.store = null
  }
}
