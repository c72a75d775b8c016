import b4a from 'b4a'
import type Autobase from 'autobase'
import type { LedgerView } from '../ledger/view.js'
import type { LedgerReader } from '../ledger/reader.js'
import type { Member } from '../ledger/results.js'
import type { Alarms } from './health/monitor.js'

export interface Peers {
  /** This node's key on the swarm (hex): what other nodes list and block it by. */
  swarmKey: string
  /** Swarm keys of the peers connected now. */
  connected: string[]
  /** Swarm keys this node refuses to replicate with (until unblocked or restarted). */
  blocked: string[]
  /** Swarm keys of the only peers this node connects with; null: any peer. */
  allowed: string[] | null
}

export type NodeMode = 'mirror' | 'writer' | 'candidate'

export interface Status {
  key: string
  discoveryKey: string
  writerKey: string
  /** Key of the state hyperbee: a plain Hyperbee opened on it reads the signed view. Changes with the indexer set. */
  viewKey: string
  /** Key of the entry log core. */
  logKey: string
  /** Whether the ledger is private: its blocks are encrypted, readable only with its key. */
  private: boolean
  writable: boolean
  /** `mirror`: opened read-only (`mirror: true`); `writer`: can write; `candidate`: may write once an admin adds it. */
  mode: NodeMode
  role: 'admin' | 'writer' | null
  indexer: boolean
  length: number
  /** Entries this node holds from position 0 on: equal to `length` once it has every entry locally. */
  storedLength: number
  /** Whether this node holds every entry and the whole state locally (it can answer any query offline). */
  complete: boolean
  finalLength: number
  head: string
  finalHead: string
  formatVersion: number
  /** The first position reads as of a past position can name (besides 0); null while the ledger keeps no history. */
  historyFrom: number | null
  /** Total value minted, as a decimal string. */
  supply: string
  peers: number
  members: Member[]
  /** This node's own transactions written but not final yet (submits wait while there are `maxPending`). */
  pending: number
  /** Times the unsigned tail of the view was truncated and re-applied since the node opened. */
  reorders: number
  /** Set when the ledger activated a format this release does not know; the node has stopped applying. */
  upgradeRequired: string | null
  /**
   * Set once this node's own derivation disagreed with the signed ledger; stays until the node closes.
   * The node then follows the signed ledger (unless opened with `fastForward: false`).
   */
  diverged: Alarms['diverged']
  /** Set while a connected peer is final further ahead and this node's final length does not move. */
  stalled: Alarms['stalled']
}

/** What the node itself knows beyond its views, for a status snapshot. */
export interface NodeCounters {
  peers: number
  pending: number
  reorders: number
  alarms: Alarms
  mirror: boolean
}

/** A status snapshot of a base and its views. */
export async function readStatus(
  base: Autobase<LedgerView>,
  reader: LedgerReader,
  counters: NodeCounters
): Promise<Status> {
  const [head, members, meta, historyFrom] = await Promise.all([
    reader.head(),
    reader.members(),
    reader.meta(),
    reader.historyStart()
  ])
  const writerKey = b4a.toString(base.local.key, 'hex')
  const self = members.find((m) => m.key === writerKey)
  return {
    key: b4a.toString(base.key, 'hex'),
    discoveryKey: b4a.toString(base.discoveryKey, 'hex'),
    writerKey,
    viewKey: b4a.toString(base.view.state.core.key, 'hex'),
    logKey: b4a.toString(base.view.log.key, 'hex'),
    private: base.encryptionKey !== null,
    writable: base.writable,
    mode: counters.mirror ? 'mirror' : base.writable ? 'writer' : 'candidate',
    role: self?.role ?? null,
    indexer: base.isIndexer,
    length: head.length,
    storedLength: Math.min(base.view.log.contiguousLength, head.length),
    complete:
      base.view.log.contiguousLength >= head.length &&
      base.view.state.core.contiguousLength >= base.view.state.core.length,
    finalLength: head.final.length,
    head: head.hash,
    finalHead: head.final.hash,
    formatVersion: meta.version,
    historyFrom,
    supply: meta.supply.toString(),
    peers: counters.peers,
    members,
    pending: counters.pending,
    reorders: counters.reorders,
    upgradeRequired: base.interrupted,
    ...counters.alarms
  }
}
