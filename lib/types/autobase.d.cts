declare module 'autobase' {
  import { EventEmitter } from 'events'
  import type Corestore from 'corestore'
  import type Hypercore from 'hypercore'

  namespace Autobase {
    interface ApplyNode {
      from: { key: Buffer }
      length: number
      value: Buffer | null
    }
    interface Host {
      addWriter(key: Uint8Array, opts?: { indexer?: boolean }): Promise<void>
      removeWriter(key: Uint8Array): Promise<void>
      removeable(key: Uint8Array): boolean
      interrupt(reason?: string): void
    }
    interface Options<V> {
      open(store: Corestore): V
      apply(nodes: ApplyNode[], view: V, host: Host): Promise<void>
      close?(view: V): Promise<void>
      ackInterval?: number
      fastForward?: boolean
      /** How far (in system blocks) the base must be behind the latest signed state before it fast-forwards (the project's autobase patch; default 16). */
      fastForwardMinimum?: number
      /** Encrypt every writer log and view with this key (a store that already holds one keeps its own). */
      encryptionKey?: Buffer
    }
  }

  class Autobase<V = unknown> extends EventEmitter {
    constructor(store: Corestore, key: Uint8Array | null, opts: Autobase.Options<V>)
    /** The key of the writer core a base on this store would have, without opening a base. */
    static getLocalKey(store: Corestore): Promise<Buffer>
    readonly key: Buffer
    readonly discoveryKey: Buffer
    /** The key the ledger's blocks are encrypted with, or null for a ledger in the clear. */
    readonly encryptionKey: Buffer | null
    readonly local: Hypercore
    /** The corestore the base was given (writer cores are opened from it by key). */
    readonly store: Corestore
    /** The applied system state: each writer's applied length and roles; null before the base opens. */
    readonly system: {
      get(
        key: Uint8Array
      ): Promise<{ length: number; isIndexer: boolean; isRemoved: boolean } | null>
      /** Every writer it records, removed ones too. */
      list(): AsyncIterable<{
        key: Buffer
        value: { length: number; isIndexer: boolean; isRemoved: boolean }
      }>
    } | null
    readonly view: V
    /** The writers the base has open now, by key: their cores as this node holds them. */
    readonly activeWriters: { get(key: Uint8Array): { core: Hypercore } | null }
    readonly writable: boolean
    readonly isIndexer: boolean
    readonly interrupted: string | null
    /** True while an update round that added blocks is applying them (the views may be half applied). */
    readonly updating: boolean
    readonly closed: boolean
    /** The system view core (this node's own derivation of it). */
    readonly core: Hypercore
    /** Length of the system core that the indexers' quorum has confirmed in this node's own derivation. */
    readonly indexedLength: number
    ready(): Promise<void>
    close(): Promise<void>
    /** Resolves with the length of the local writer core once the value is in it. */
    append(value: Uint8Array | Uint8Array[] | null): Promise<number>
    update(): Promise<void>
    ack(bg?: boolean): Promise<void>
    replicate(isInitiatorOrStream: boolean | unknown): unknown
    /** The views (key and length) at `indexedLength`, or null before the first apply. */
    getIndexedInfo(): Promise<{ views: Array<{ key: Buffer; length: number }> } | null>
    /** Jump to the latest signed state, discarding this node's own derivation past it. */
    forceFastForward(): Promise<void>
    /** Change `fastForwardMinimum` on a live base (the project's autobase patch; absent without it). */
    setFastForwardMinimum?(minimum: number): void
  }

  export = Autobase
}
