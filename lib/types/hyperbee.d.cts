declare module 'hyperbee' {
  import type Hypercore from 'hypercore'

  namespace Hyperbee {
    interface Node {
      seq: number
      key: Buffer
      value: Buffer | null
    }
    interface Range {
      gt?: Uint8Array
      gte?: Uint8Array
      lt?: Uint8Array
      lte?: Uint8Array
      reverse?: boolean
      limit?: number
    }
    interface Batch {
      get(key: Uint8Array): Promise<Node | null>
      put(key: Uint8Array, value: Uint8Array): Promise<void>
      del(key: Uint8Array): Promise<void>
      flush(): Promise<void>
    }
  }

  class Hyperbee {
    constructor(
      core: Hypercore,
      opts?: { keyEncoding?: 'binary'; valueEncoding?: 'binary'; extension?: boolean }
    )
    readonly core: Hypercore
    readonly version: number
    ready(): Promise<void>
    close(): Promise<void>
    get(key: Uint8Array): Promise<Hyperbee.Node | null>
    batch(): Hyperbee.Batch
    createReadStream(range?: Hyperbee.Range): AsyncIterable<Hyperbee.Node>
  }

  export = Hyperbee
}
