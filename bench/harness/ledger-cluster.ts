import path from 'path'
import { PeerProcess } from './peer-process.js'
import type { LedgerPeerApi, HeadReport } from '../peer/ledger-peer.js'
import { setupTransactions, setupLength } from './workload.js'
import { assertSame, assertEqual } from './context.js'
import type { Defer } from './context.js'
import type { LoopbackTestnet } from '../../test/helpers/loopback.js'
import b4a from 'b4a'

export type LedgerPeerProcess = PeerProcess<LedgerPeerApi>

export interface LedgerClusterOptions {
  net: LoopbackTestnet
  dir: string
  writers: number
  /** Nodes that replicate but never write. Default 0. */
  followers?: number
  indexers: number
  accounts: number
  /** Experiment: the nodes' ack interval instead of the library's default. */
  ackInterval?: number | null
  /** Experiment: indexers ack on this fixed cadence too (see LedgerOpenParams.forceAckMs). */
  forceAckMs?: number | null
  /** Experiment: the nodes' back-pressure bound (see LedgerOpenParams.maxPending). */
  maxPending?: number | null
  /** Node flags for peer i (e.g. `--cpu-prof`). */
  execArgv?: (i: number) => string[]
  /** Register a cleanup (the cluster's shutdown) with the caller's teardown. */
  defer: Defer
  timeoutMs: number
}

export interface LedgerCluster {
  key: string
  peers: LedgerPeerProcess[]
  writers: LedgerPeerProcess[]
  /** Writer core key (hex) of each peer, in the order of `peers`. */
  writerKeys: string[]
  /** Ledger length once setup is final everywhere. */
  setupLength: number
}

/**
 * Untimed setup of a ledger over a loopback swarm: one process per node, the first creates the
 * ledger, the others join, the admin adds the writers and funds the shared accounts, and setup
 * returns once every node holds the same final head.
 */
export async function startLedgerCluster(opts: LedgerClusterOptions): Promise<LedgerCluster> {
  const count = opts.writers + (opts.followers ?? 0)
  const peers = Array.from({ length: count }, (_, i) =>
    PeerProcess.start<LedgerPeerApi>(opts.defer, 'ledger', {
      name: `ledger-${i}`,
      execArgv: opts.execArgv?.(i) ?? []
    })
  )
  const open = (i: number, key?: string): Promise<{ key: string; writerKey: string }> =>
    peers[i].call('open', {
      dir: path.join(opts.dir, `node-${i}`),
      bootstrap: opts.net.bootstrap,
      ...(key === undefined ? {} : { key }),
      ...(opts.ackInterval === undefined || opts.ackInterval === null
        ? {}
        : { ackInterval: opts.ackInterval }),
      ...(opts.forceAckMs === undefined || opts.forceAckMs === null
        ? {}
        : { forceAckMs: opts.forceAckMs }),
      ...(opts.maxPending === undefined || opts.maxPending === null
        ? {}
        : { maxPending: opts.maxPending })
    })
  const admin = await open(0)
  const joined = await Promise.all(peers.slice(1).map((_, i) => open(i + 1, admin.key)))
  const writerKeys = [admin, ...joined].map((p) => p.writerKey)
  const added = writerKeys.slice(1, opts.writers).map((key) => b4a.from(key, 'hex'))
  await peers[0].call('submit', {
    txs: setupTransactions(added, opts.accounts, opts.indexers)
  })
  const writers = peers.slice(0, opts.writers)
  await Promise.all(writers.map((p) => p.call('waitWritable', { timeoutMs: opts.timeoutMs })))
  const length = setupLength(opts.writers, opts.accounts)
  const heads = await Promise.all(
    peers.map((p) => p.call('waitLength', { length, final: true, timeoutMs: opts.timeoutMs }))
  )
  checkHeads(heads, length)
  return { key: admin.key, peers, writers, writerKeys, setupLength: length }
}

/** Every node final at exactly `length` with one head hash. */
export function checkHeads(heads: HeadReport[], length: number): string {
  for (const h of heads) {
    assertEqual('final length', h.finalLength, length)
    assertEqual('length', h.length, length)
  }
  assertSame(
    'final head hash',
    heads.map((h) => h.finalHash)
  )
  return heads[0].finalHash
}
