declare module 'corestore' {
  import type Hypercore from 'hypercore'

  /** The RocksDB database under a store (rocksdb-native). */
  interface RocksDB {
    /** Its directory. */
    readonly path: string
    /** The write-ahead log file RocksDB writes to now; `path` is relative to the database directory. */
    currentWalFile(): Promise<{ path: string; number: number }>
  }

  class Corestore {
    constructor(storage: string)
    readonly closed: boolean
    /** The store's storage (hypercore-storage); every core of the store and its namespaces lives in one RocksDB. */
    readonly storage: { readonly rocks: RocksDB }
    get(
      opts:
        | string
        | {
            name?: string
            key?: Uint8Array
            valueEncoding?: string
            active?: boolean
            /** A session's `encryption`, to read its blocks decrypted. */
            encryption?: unknown
          }
    ): Hypercore
    namespace(name: string): Corestore
    /** A key pair derived from the store's primary key: the same name gives the same pair on every open. */
    createKeyPair(name: string): Promise<{ publicKey: Buffer; secretKey: Buffer }>
    replicate(isInitiatorOrStream: boolean | unknown): unknown
    ready(): Promise<void>
    close(): Promise<void>
  }

  export = Corestore
}
