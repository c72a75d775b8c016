declare module 'hyperdht' {
  namespace HyperDHT {
    interface Address {
      host: string
      port: number
    }
    interface Options {
      bootstrap?: Array<Address | string>
      host?: string
      port?: number
      ephemeral?: boolean
      firewalled?: boolean
    }
  }

  class HyperDHT {
    constructor(opts?: HyperDHT.Options)
    static bootstrapper(port: number, host: string, opts?: HyperDHT.Options): HyperDHT
    ready(): Promise<void>
    fullyBootstrapped(): Promise<void>
    address(): HyperDHT.Address
    destroy(): Promise<void>
  }

  export = HyperDHT
}
