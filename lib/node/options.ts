import type Corestore from 'corestore'
import type { NetworkOptions } from '../net/network.js'
import type { AlarmEvent, AlarmName } from './health/monitor.js'
import type { KeyInput } from './tx-input.js'
import type { InviteUse } from './invite-desk.js'

/** Indexers acknowledge this often (ms). Autobase's own default is 10 s; finality waits on acks. */
export const DEFAULT_ACK_INTERVAL_MS = 250
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000

export interface LedgerNodeOptions {
  /** A directory for the store, or a Corestore (the node uses a namespace of it and leaves it open). */
  storage: string | Corestore
  /** Key of the ledger to join (hex or bytes). Omit to create a new ledger or reopen the one in `storage`. */
  key?: KeyInput | null
  /**
   * A private ledger's encryption key (32 bytes, or 64 hex characters): every writer log and view is
   * encrypted with it. A new private ledger takes a fresh one from `newEncryptionKey()`; a joiner
   * needs the same key. Omit it to reopen a store, private or not (the store keeps its key). On the
   * network it is also the secret a peer must prove it holds before the two replicate.
   */
  encryptionKey?: KeyInput | null
  /** Indexer acknowledgement interval in ms. Default DEFAULT_ACK_INTERVAL_MS. */
  ackInterval?: number
  /** Join the swarm with these DHT options, or false (the default) to replicate by hand with `replicate()`. */
  network?: NetworkOptions | false
  /** Swarm keys of peers to refuse from the start, as if passed to `block` (with `network` only). */
  blocked?: KeyInput[]
  /** Swarm keys of the only peers to connect with (with `network` only; `block` still wins). Default null: any peer. */
  allow?: KeyInput[] | null
  /**
   * On a private ledger, replicate only with peers that prove they hold its encryption key (see
   * the README's Who may connect). Default true; false lets any peer that finds the ledger fetch
   * its blocks, which stay encrypted.
   */
  requireSecret?: boolean
  /** Follow, keep and serve the whole ledger, never write to it: every submit fails with READ_ONLY_MIRROR. Default false. */
  mirror?: boolean
  /**
   * Let a node far behind jump to the latest signed state instead of replaying every block, and
   * jump to it when its own derivation disagrees with it (the `diverged` alarm). Default true.
   */
  fastForward?: boolean
  /**
   * The highest format version to accept; a new ledger starts at it (at most the release's own).
   * Default: the release's own. Set it only to test upgrades.
   */
  formatVersion?: number
  /**
   * Back-pressure: while this many of this node's own transactions are written but not final, a
   * submit waits (up to BUSY_WAIT_MS, then fails with BUSY). Default DEFAULT_MAX_PENDING; Infinity turns it off.
   */
  maxPending?: number
  /**
   * Raise the `stalled` alarm once a connected peer has been final further ahead this long (ms)
   * while this node's final length did not move. Default STALLED_AFTER_MS.
   */
  stalledAfter?: number
  /**
   * Sync each block this node writes to disk before the submits in it resolve, so that an
   * acknowledged transaction survives power loss, not only a crash of the process. Submits that
   * share a block share its sync, and blocks appended while a sync runs share the next one.
   * Default true; false is faster (see the bench's durability scenario) and still survives a
   * killed process.
   */
  durable?: boolean
}

export interface Receipt {
  /** The transaction id (hex): look its outcome up with `transaction(id)` or `waitForTransaction(id)`. */
  id: string
  /** Its author: this node's writer key (hex). Ids are scoped per writer; pass it as `author` to look the transaction up anywhere. */
  author: string
}

export interface SubmitOptions {
  /** How long to wait for room while the node holds submits (back-pressure) before failing with BUSY (ms). Default BUSY_WAIT_MS. */
  busyTimeout?: number
}

export interface TransactionOptions {
  /**
   * Writer key (hex or bytes) of the transaction's author. Ids are scoped per writer, so this names
   * one transaction whatever other writers did with the same id. Default: this node's own key for
   * an id it submitted (among its last REMEMBERED_IDS since it opened), else none: the first use of
   * the id in ledger order, by any writer.
   */
  author?: KeyInput
}

export interface WaitForTransactionOptions extends TransactionOptions {
  /** Wait until the outcome is final, not just applied here. */
  final?: boolean
  timeout?: number
}

export interface LedgerNodeEvents {
  /** The ledger changed: new entries, a reorder, or more of it became final. */
  update: (info: { length: number; finalLength: number }) => void
  /** More entries became final. */
  final: (info: { length: number }) => void
  /** The view's unsigned tail was truncated to `length` and is being re-applied in the merged order. */
  reorder: (info: { length: number }) => void
  /** The node jumped to the ledger's latest signed state instead of applying every block up to it. */
  'fast-forward': () => void
  writable: () => void
  /** A peer connected or went away; `peers` is the count now. */
  'peer-add': (info: { peers: number }) => void
  'peer-remove': (info: { peers: number }) => void
  'upgrade-required': (reason: string) => void
  /** An alarm was raised: `diverged` (the node now follows the signed ledger) or `stalled`. */
  alarm: (event: AlarmEvent) => void
  /** A `stalled` alarm ended: the final length moved, or no connected peer is final ahead any more. */
  'alarm-cleared': (name: AlarmName) => void
  /** This node answered a joining node's invite: `outcome` is 'admitted' or why it refused. */
  'invite-use': (use: InviteUse) => void
  error: (err: Error) => void
}
