declare module 'hypercore' {
  import { EventEmitter } from 'events'
  import type Verifier from 'hypercore/lib/verifier.js'
  import type { TreeNode } from 'hypercore/lib/merkle-tree.js'

  namespace Hypercore {
    /** A proof as hypercore's replication sends it; only the parts entry proofs use. */
    interface Proof {
      block: { index: number; value: Buffer; nodes: TreeNode[] } | null
      upgrade: { signature: Buffer } | null
    }
  }

  class Hypercore extends EventEmitter {
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly length: number
    readonly signedLength: number
    readonly contiguousLength: number
    readonly fork: number
    readonly manifest: Verifier.Manifest | null
    /** The session's block encryption (a private ledger's views and logs), or null. */
    readonly encryption: unknown
    /** The session's internal state: for hypercore's own MerkleTree functions, and its storage's batched block reads. */
    readonly state: {
      storage: {
        /** One read batch: queue getBlock calls, then tryFlush runs them together. */
        read(): { getBlock(index: number): Promise<Buffer | null>; tryFlush(): void }
      }
    }
    readonly writable: boolean
    /** Peers replicating this core; `remoteLength` is the length each has (for a signed view core: its signed length). */
    readonly peers: ReadonlyArray<{ remoteLength: number }>
    ready(): Promise<void>
    close(): Promise<void>
    /** A block; with `raw`, as stored (still encrypted on a private ledger). */
    get(
      index: number,
      opts?: { wait?: boolean; timeout?: number; raw?: boolean }
    ): Promise<Buffer | null>
    append(block: Uint8Array | Uint8Array[]): Promise<{ length: number }>
    update(opts?: { wait?: boolean }): Promise<boolean>
    download(range?: { start?: number; end?: number }): { done(): Promise<void>; destroy(): void }
    treeHash(length?: number): Promise<Buffer>
    getUserData(name: string): Promise<Buffer | null>
    /** A named session: its own state of the core, written into the core's own by commit. */
    session(opts: { name: string }): Hypercore
    /** Write a named session's blocks into this (default) state. */
    commit(session: Hypercore): Promise<{ length: number; byteLength: number } | null>
    /** Delete blocks [start, end) from local storage. */
    clear(start: number, end?: number): Promise<void>
    replicate(isInitiatorOrStream: boolean | unknown): unknown
    proof(request: {
      block?: { index: number; nodes: number }
      upgrade?: { start: number; length: number }
    }): Promise<Hypercore.Proof>
    /** The key of a core with this manifest: its manifest hash. */
    static key(manifest: { version: number; signers: Array<{ publicKey: Uint8Array }> }): Buffer
  }

  export = Hypercore
}
