declare module 'hyperdht/testnet.js' {
  import type HyperDHT from 'hyperdht'

  namespace createTestnet {
    interface Testnet {
      bootstrap: HyperDHT.Address[]
      nodes: HyperDHT[]
      createNode(opts?: HyperDHT.Options): HyperDHT
      destroy(): Promise<void>
    }
  }

  function createTestnet(
    size?: number,
    opts?: {
      host?: string
      port?: number
      teardown?: (fn: () => Promise<void>, opts?: { order?: number }) => void
    }
  ): Promise<createTestnet.Testnet>

  export = createTestnet
}
