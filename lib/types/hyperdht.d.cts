declare module 'hyperdht' {
  namespace HyperDHT {
    interface Address { host: string, port: number }
    interface Options {
      bootstrap?: Array<Address | string>
      host?: string
      port?: number
      ephemeral?: boolean
      firewalled?: boolean
    }
  }

  class HyperDHT {
    constructor (opts?: HyperDHT.Options)
    static bootstrapper (port: number, host: string, opts?: HyperDHT.Options): HyperDHT
    ready (): Promise<void>
    fullyBootstrapped (): Promise<void>
    address (): HyperDHT.Address
    destroy (): Promise<void>
  }

  export = HyperDHT
}

declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht'

  namespace createTestnet {
    interface Testnet {
      bootstrap: HyperDHT.Address[]
      nodes: HyperDHT[]
      createNode (opts?: HyperDHT.Options): HyperDHT
      destroy (): Promise<void>
    }
  }

  function createTestnet (size?: number, opts?: { host?: string, port?: number, teardown?: (fn: () => Promise<void>, opts?: { order?: number }) => void }): Promise<createTestnet.Testnet>

  export = createTestnet
}
