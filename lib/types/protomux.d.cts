declare module 'protomux' {
  namespace Protomux {
    interface Channel {
      open(handshake?: unknown): void
      close(): void
    }
  }

  class Protomux {
    /** The muxer of a stream: the one already attached to it (by replication, pairing), else a new one. */
    static from(stream: unknown): Protomux
    createChannel(opts: {
      protocol: string
      /** A compact-encoding encoder of the handshake message. */
      handshake?: unknown
      onopen?: (handshake: unknown) => void
      onclose?: () => void
    }): Protomux.Channel | null
  }

  export = Protomux
}
