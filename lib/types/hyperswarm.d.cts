declare module 'hyperswarm' {
  import { EventEmitter } from 'events'
  import type HyperDHT from 'hyperdht'

  namespace Hyperswarm {
    interface Connection extends EventEmitter {
      readonly remotePublicKey: Buffer
      readonly publicKey: Buffer
      /** The Noise handshake hash: the same on both ends, different on every connection. */
      readonly handshakeHash: Buffer
      readonly destroyed: boolean
      destroy(err?: Error): void
    }
    interface PeerInfo {
      ban(banned: boolean): void
    }
    interface Discovery {
      flushed(): Promise<void>
      refresh(opts?: { server?: boolean; client?: boolean }): Promise<void>
      destroy(): Promise<void>
    }
  }

  class Hyperswarm extends EventEmitter {
    constructor(opts: {
      dht: HyperDHT
      keyPair?: { publicKey: Buffer; secretKey: Buffer }
      firewall?: (remotePublicKey: Buffer) => boolean
    })
    readonly dht: HyperDHT
    readonly keyPair: { publicKey: Buffer }
    readonly connections: Set<Hyperswarm.Connection>
    /** Peers seen, by hex swarm key. */
    readonly peers: Map<string, Hyperswarm.PeerInfo>
    join(topic: Uint8Array, opts?: { server?: boolean; client?: boolean }): Hyperswarm.Discovery
    /** Keep connecting to this peer (by its swarm key), whatever topics it is on. */
    joinPeer(publicKey: Uint8Array): void
    flush(): Promise<void>
    destroy(opts?: { force?: boolean }): Promise<void>
  }

  export = Hyperswarm
}
