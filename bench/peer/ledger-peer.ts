import Corestore from 'corestore'
import type HyperDHT from 'hyperdht'
import b4a from 'b4a'
import { LedgerNode, LedgerError } from '../../lib/index.js'
import type { TxInput } from '../../lib/index.js'
import { generateWorkload, interleave } from '../harness/workload.js'
import type { WorkloadSpec } from '../harness/workload.js'
import { encodedBytes } from '../harness/encode.js'
import { now } from '../harness/clock.js'
import { directoryBytes } from '../../test/helpers/disk.js'
import { loopbackDht } from '../../test/helpers/loopback.js'
import { pause, untilWritable } from '../../test/helpers/wait.js'
import { processStats, dropDht } from './process-stats.js'
import type { PeerBase, ProcessStats } from './protocol.js'
import { LatencyObserver } from './latency-observer.js'

/** The Retry-After of a BUSY reply. */
const BUSY_RETRY_MS = 1000
import type { Sightings } from './latency-observer.js'

export interface LedgerOpenParams {
  dir: string
  /** Ledger key (hex) to join; omit to create one. */
  key?: string
  /** Loopback DHT bootstrap addresses, or null for a node with no network at all. */
  bootstrap: Array<{ host: string; port: number }> | null
  ackInterval?: number
  fastForward?: boolean
  /**
   * Experiment: if set, an indexer also acks every this many ms whatever the activity (autobase's
   * own ack timer is pushed back by every remote change). Not something the library does.
   */
  forceAckMs?: number
  /** Experiment: LedgerNodeOptions.maxPending (Infinity: no back-pressure). */
  maxPending?: number
  /** LedgerNodeOptions.durable (default true: every block is synced to disk before its submits resolve). */
  durable?: boolean
  /** LedgerNodeOptions.encryptionKey (hex): a private ledger. */
  encryptionKey?: string
}

export interface HeadReport {
  /** Monotonic ms when the condition was first seen to hold. */
  at: number
  length: number
  finalLength: number
  hash: string
  finalHash: string
  reorders: number
  /** Fast-forwards since the node opened. */
  fastForwards: number
  /** CPU time (user + system, all threads) of this process since `markCpu`, ms; null before a mark. */
  cpuMs: number | null
}

export interface CloseReport {
  /** Bytes of the store directory once closed, and (if asked) once reopened, compacted and closed again. */
  diskBytes: number
  diskBytesCompacted: number | null
}

export interface LedgerPeerApi extends PeerBase {
  open(p: LedgerOpenParams): Promise<{ key: string; writerKey: string }>
  submit(p: { txs: TxInput[] }): Promise<void>
  /** Resolves once the node is announced on the DHT and has looked up current peers. */
  flushed(): Promise<void>
  waitWritable(p: { timeoutMs: number }): Promise<void>
  /** Generate this peer's slice of the workload (or several slices interleaved) ahead of the timed run. */
  prepare(p: { slices: WorkloadSpec[] }): Promise<{ count: number; bytes: number }>
  /**
   * Submit the prepared workload as fast as submit accepts, at most `window` unresolved at once,
   * trying a BUSY submit again after a second (`busy` counts those); with `record`, also return
   * each id's submit time.
   */
  run(p: { window: number; record?: boolean }): Promise<{
    firstSubmitAt: number
    lastAcceptedAt: number
    submitted: Record<string, number> | null
    busy: number
  }>
  /** Submit the prepared workload one at a time, `intervalMs` apart; returns each id's submit time. */
  pace(p: { intervalMs: number }): Promise<Record<string, number>>
  /**
   * Submit the prepared workload from `clients` closed loops (each submits one transaction, awaits
   * its acknowledgement, submits the next); returns how long that took and each submit's latency (ms).
   */
  clients(p: { clients: number }): Promise<{ ms: number; latencies: number[] }>
  /** Wait until the ledger holds `length` entries (all final, with `final`). */
  waitLength(p: {
    length: number
    final: boolean
    timeoutMs: number
    hash?: string
  }): Promise<HeadReport>
  /** Start counting this process's CPU time: the head reports that follow give it since now. */
  markCpu(): Promise<void>
  /** Start stamping transactions and the blocks of these writer cores (hex keys) as this node sees them. */
  observe(p: { writers: string[] }): Promise<void>
  sightings(): Promise<Sightings>
  /** Count entries whose outcome is not 'accepted' (a complete run of the bench workload has none). */
  rejected(): Promise<number>
  /** `node.verify()`: re-derive the ledger from the writer logs and compare it. */
  verify(): Promise<{ result: string; length: number; ms: number }>
  /** `node.proveEntry()` at each position: the proofs in hex, and the time each took. */
  prove(p: { positions: number[] }): Promise<Array<{ position: number; proof: string; ms: number }>>
  close(p: { compact: boolean }): Promise<CloseReport>
}

/** One ledger node in its own process, driven by the bench runner. */
export class LedgerPeer implements LedgerPeerApi {
  private node: LedgerNode | null = null
  private fastForwards = 0
  private store: Corestore | null = null
  private dht: HyperDHT | null = null
  private dir = ''
  private txs: TxInput[] = []
  private observer: LatencyObserver | null = null
  private forcedAcks: NodeJS.Timeout | null = null
  private cpuMark: NodeJS.CpuUsage | null = null

  private get ledger(): LedgerNode {
    if (this.node === null) throw new Error('open the ledger peer first')
    return this.node
  }

  async open(p: LedgerOpenParams): Promise<{ key: string; writerKey: string }> {
    this.dir = p.dir
    this.store = new Corestore(p.dir)
    this.dht = p.bootstrap === null ? null : loopbackDht(p.bootstrap, { reachable: true })
    this.node = new LedgerNode({
      storage: this.store,
      key: p.key ?? null,
      network: this.dht === null ? false : { dht: this.dht },
      ...(p.ackInterval === undefined ? {} : { ackInterval: p.ackInterval }),
      ...(p.fastForward === undefined ? {} : { fastForward: p.fastForward }),
      ...(p.maxPending === undefined ? {} : { maxPending: p.maxPending }),
      ...(p.durable === undefined ? {} : { durable: p.durable }),
      ...(p.encryptionKey === undefined ? {} : { encryptionKey: p.encryptionKey })
    })
    this.node.on('fast-forward', () => this.fastForwards++)
    await this.node.ready()
    if (p.forceAckMs !== undefined) {
      const node = this.node
      this.forcedAcks = setInterval(() => {
        if (node.base.isIndexer) node.base.ack().catch(() => {})
      }, p.forceAckMs)
    }
    return {
      key: b4a.toString(this.node.key, 'hex'),
      writerKey: b4a.toString(this.node.writerKey, 'hex')
    }
  }

  async submit({ txs }: { txs: TxInput[] }): Promise<void> {
    await this.ledger.submit(txs)
  }

  async flushed(): Promise<void> {
    await this.ledger.flushed()
  }

  async waitWritable({ timeoutMs }: { timeoutMs: number }): Promise<void> {
    await untilWritable(this.ledger, timeoutMs)
  }

  async prepare({ slices }: { slices: WorkloadSpec[] }): Promise<{ count: number; bytes: number }> {
    this.txs = interleave(slices.map(generateWorkload))
    return { count: this.txs.length, bytes: encodedBytes(this.txs) }
  }

  async run({ window, record = false }: { window: number; record?: boolean }): Promise<{
    firstSubmitAt: number
    lastAcceptedAt: number
    submitted: Record<string, number> | null
    busy: number
  }> {
    const node = this.ledger
    const txs = this.txs
    const submitted: Record<string, number> | null = record ? {} : null
    const firstSubmitAt = now()
    let busy = 0
    // As a client should: a BUSY submit (this node's own backlog is full and stayed full for its
    // wait) is tried again after the reply's Retry-After.
    const submit = async (tx: TxInput): Promise<void> => {
      for (;;) {
        try {
          await node.submit(tx)
          return
        } catch (err) {
          if (!(err instanceof LedgerError) || err.code !== 'BUSY') throw err
          busy++
          await pause(BUSY_RETRY_MS)
        }
      }
    }
    let pending: Array<Promise<unknown>> = []
    for (const tx of txs) {
      if (submitted !== null) submitted[b4a.toString(tx.id as Uint8Array, 'hex')] = now()
      pending.push(submit(tx))
      if (pending.length >= window) {
        await Promise.all(pending)
        pending = []
      }
    }
    await Promise.all(pending)
    return { firstSubmitAt, lastAcceptedAt: now(), submitted, busy }
  }

  async pace({ intervalMs }: { intervalMs: number }): Promise<Record<string, number>> {
    const node = this.ledger
    const submitted: Record<string, number> = {}
    const pending: Array<Promise<unknown>> = []
    const start = now()
    for (let i = 0; i < this.txs.length; i++) {
      const wait = start + i * intervalMs - now()
      if (wait > 0) await pause(wait)
      const tx = this.txs[i]
      submitted[b4a.toString(tx.id as Uint8Array, 'hex')] = now()
      pending.push(node.submit(tx))
    }
    await Promise.all(pending)
    return submitted
  }

  async clients({ clients }: { clients: number }): Promise<{ ms: number; latencies: number[] }> {
    const node = this.ledger
    const txs = this.txs
    const latencies: number[] = []
    let next = 0
    const loop = async (): Promise<void> => {
      while (next < txs.length) {
        const tx = txs[next++]
        const t0 = now()
        await node.submit(tx)
        latencies.push(now() - t0)
      }
    }
    const start = now()
    await Promise.all(Array.from({ length: clients }, loop))
    return { ms: now() - start, latencies }
  }

  async waitLength({
    length,
    final,
    timeoutMs,
    hash
  }: {
    length: number
    final: boolean
    timeoutMs: number
    hash?: string
  }): Promise<HeadReport> {
    const node = this.ledger
    const what = `${length} ${final ? 'final ' : ''}entries`
    const { at, cpuMs } = await node.waitUntil(
      async () => {
        if ((final ? node.finalLength : node.length) < length) return null
        if (hash !== undefined) {
          // A node that fast-forwarded may not hold the head block yet: wait until it reads the expected hash.
          const head = await node.head()
          if ((final ? head.final.hash : head.hash) !== hash) return null
        }
        return { at: now(), cpuMs: this.cpuSinceMark() }
      },
      timeoutMs,
      what
    )
    const head = await node.head()
    const status = await node.status()
    return {
      at,
      length: head.length,
      finalLength: head.final.length,
      hash: head.hash,
      finalHash: head.final.hash,
      reorders: status.reorders,
      fastForwards: this.fastForwards,
      cpuMs
    }
  }

  async markCpu(): Promise<void> {
    this.cpuMark = process.cpuUsage()
  }

  private cpuSinceMark(): number | null {
    if (this.cpuMark === null) return null
    const { user, system } = process.cpuUsage(this.cpuMark)
    return (user + system) / 1000
  }

  async observe({ writers }: { writers: string[] }): Promise<void> {
    if (this.store === null) throw new Error('open the ledger peer first')
    this.observer = new LatencyObserver(this.ledger, this.store, writers)
    await this.observer.start()
  }

  async sightings(): Promise<Sightings> {
    if (this.observer === null) throw new Error('observe() first')
    await this.observer.idle()
    return this.observer.sightings()
  }

  async verify(): Promise<{ result: string; length: number; ms: number }> {
    const { result, length, ms } = await this.ledger.verify()
    return { result, length, ms }
  }

  async prove({
    positions
  }: {
    positions: number[]
  }): Promise<Array<{ position: number; proof: string; ms: number }>> {
    const proofs = []
    for (const position of positions) {
      const start = now()
      const bytes = await this.ledger.proveEntry(position)
      proofs.push({ position, proof: b4a.toString(bytes, 'hex'), ms: now() - start })
    }
    return proofs
  }

  async rejected(): Promise<number> {
    const node = this.ledger
    let count = 0
    let next: number | null = 0
    while (next !== null) {
      const page = await node.entries({ gte: next, limit: 1000 })
      for (const entry of page.items) if (entry.outcome !== 'accepted') count++
      next = page.next
    }
    return count
  }

  async stats(): Promise<ProcessStats> {
    return processStats(this.dht)
  }

  async close({ compact }: { compact: boolean }): Promise<CloseReport> {
    this.observer?.stop()
    if (this.forcedAcks !== null) clearInterval(this.forcedAcks)
    await dropDht(this.dht)
    await this.node?.close()
    this.node = null
    if (this.store === null) return { diskBytes: 0, diskBytesCompacted: null }
    await this.store.close()
    this.store = null
    const diskBytes = await directoryBytes(this.dir)
    let diskBytesCompacted: number | null = null
    if (compact) {
      // Reopen the closed store only to compact it (RocksDB merges its files and drops overwritten data).
      const store = new Corestore(this.dir)
      await store.ready()
      await (store as unknown as { storage: { compact(): Promise<void> } }).storage.compact()
      await store.close()
      diskBytesCompacted = await directoryBytes(this.dir)
    }
    return { diskBytes, diskBytesCompacted }
  }

  async shutdown(): Promise<void> {
    if (this.node !== null || this.store !== null) await this.close({ compact: false })
  }
}
