declare module 'corestore' {
  import type Hypercore from 'hypercore'

  class Corestore {
    constructor (storage: string)
    readonly closed: boolean
    get (opts: string | { name?: string, key?: Uint8Array, valueEncoding?: string, active?: boolean }): Hypercore
    namespace (name: string): Corestore
    /** A key pair derived from the store's primary key: the same name gives the same pair on every open. */
    createKeyPair (name: string): Promise<{ publicKey: Buffer, secretKey: Buffer }>
    replicate (isInitiatorOrStream: boolean | unknown): unknown
    ready (): Promise<void>
    close (): Promise<void>
  }

  export = Corestore
}
