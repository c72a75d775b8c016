declare module 'hypercore' {
  import { EventEmitter } from 'events'

  class Hypercore extends EventEmitter {
    readonly key: Buffer
    readonly discoveryKey: Buffer
    readonly length: number
    readonly signedLength: number
    readonly contiguousLength: number
    readonly writable: boolean
    /** Peers replicating this core; `remoteLength` is the length each has (for a signed view core: its signed length). */
    readonly peers: ReadonlyArray<{ remoteLength: number }>
    ready(): Promise<void>
    close(): Promise<void>
    get(index: number, opts?: { wait?: boolean; timeout?: number }): Promise<Buffer | null>
    append(block: Uint8Array | Uint8Array[]): Promise<{ length: number }>
    update(opts?: { wait?: boolean }): Promise<boolean>
    download(range?: { start?: number; end?: number }): { done(): Promise<void>; destroy(): void }
    treeHash(length?: number): Promise<Buffer>
    /** Delete blocks [start, end) from local storage. */
    clear(start: number, end?: number): Promise<void>
    replicate(isInitiatorOrStream: boolean | unknown): unknown
  }

  export = Hypercore
}
