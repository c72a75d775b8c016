declare module 'blind-pairing' {
  import type Hyperswarm from 'hyperswarm'
  import type { EventEmitter } from 'events'
  import type { Encoder } from 'compact-encoding'

  namespace BlindPairing {
    interface CreatedInvite {
      /** Derived from `publicKey`: what a candidate's request names. */
      id: Buffer
      /** The encoded invite (seed, discovery key, expiry): the secret a candidate pairs with. */
      invite: Buffer
      publicKey: Buffer
    }
    interface DecodedInvite {
      id: Buffer
      seed: Buffer
      discoveryKey: Buffer
      /** Ms since 1970 (to the second), or 0. */
      expires: number
    }
    /** A candidate's request as a member sees it. */
    interface MemberRequest {
      readonly inviteId: Buffer
      /** Checks the request was made with the invite of this public key, and returns its user data; throws if not. */
      open(publicKey: Uint8Array): Buffer
      readonly userData: Buffer | null
      confirm(result: { key: Uint8Array; encryptionKey?: Uint8Array | null }): void
      /** Status 1: rejected, 2: used, 3: expired. */
      deny(opts?: { status?: number }): void
    }
    interface Member {
      flushed(): Promise<void>
      close(): Promise<void>
    }
    interface PairingResult {
      key: Buffer
      encryptionKey: Buffer | null
    }
    interface Candidate {
      /** Resolves with the result once paired, or null when closed first. */
      readonly pairing: Promise<PairingResult | null>
      /** Emits 'rejected' with an error whose `code` is PAIRING_REJECTED, INVITE_USED or INVITE_EXPIRED. */
      readonly request: EventEmitter
      close(): Promise<void>
    }
  }

  class BlindPairing {
    constructor(swarm: Hyperswarm, opts?: { poll?: number })
    /** The invite's encoding. */
    static readonly Invite: Encoder<{ seed: Uint8Array; discoveryKey: Uint8Array; expires: number }>
    static createInvite(key: Uint8Array, opts?: { expires?: number }): BlindPairing.CreatedInvite
    /** Throws on bytes that are not an invite. */
    static decodeInvite(invite: Uint8Array): BlindPairing.DecodedInvite
    addMember(opts: {
      discoveryKey: Uint8Array
      onadd: (request: BlindPairing.MemberRequest) => Promise<void>
    }): BlindPairing.Member
    addCandidate(opts: {
      invite: Uint8Array
      userData: Uint8Array
      onadd?: (result: BlindPairing.PairingResult) => Promise<void>
    }): BlindPairing.Candidate
    close(): Promise<void>
  }

  export = BlindPairing
}
