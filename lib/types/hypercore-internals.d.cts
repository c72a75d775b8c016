// Hypercore's own Merkle tree, manifest and signature code, used to check entry proofs with no
// store. These are internals (deep requires): hypercore stays pinned, and test/proof.test.ts covers
// every use.

declare module 'hypercore/lib/merkle-tree.js' {
  interface TreeNode {
    index: number
    size: number
    hash: Buffer
  }
  /** The state a batch starts from: only what hypercore reads of it when verifying an upgrade. */
  interface TreeState {
    fork: number
    roots: TreeNode[]
    length: number
    byteLength: number
    signature: Buffer | null
    prologue: { hash: Buffer; length: number } | null
    storage: null
  }
  class MerkleTreeBatch {
    constructor(state: TreeState)
  }
  const MerkleTree: {
    /** Path nodes below the root a block's proof needs, for block index `2 * n` in a tree of `length`. */
    maxMissingNodes(index: number, length: number): number
    /** The roots of a core's tree at `length` (`state` is a session's internal state). */
    getRoots(state: unknown, length: number): Promise<TreeNode[]>
  }
  export { MerkleTree, MerkleTreeBatch, TreeNode }
}

declare module 'hypercore/lib/verifier.js' {
  import type { MerkleTreeBatch } from 'hypercore/lib/merkle-tree.js'

  namespace Verifier {
    interface Signer {
      signature: string
      namespace: Buffer
      publicKey: Buffer
    }
    interface Manifest {
      version: number
      hash: string
      allowPatch: boolean
      quorum: number
      signers: Signer[]
      prologue: { hash: Buffer; length: number } | null
      linked: Buffer[] | null
      userData: Buffer | null
    }
  }
  class Verifier {
    constructor(manifestHash: Uint8Array, manifest: Verifier.Manifest)
    /** Whether `signature` is a valid quorum signature of the batch's tree. */
    verify(batch: MerkleTreeBatch, signature: Uint8Array): boolean
    /** This key pair's signature of the batch's tree (a multisignature of one for version >= 1). */
    sign(batch: MerkleTreeBatch, keyPair: { publicKey: Uint8Array; secretKey: Uint8Array }): Buffer
    static manifestHash(manifest: Verifier.Manifest): Buffer
    static encodeManifest(manifest: Verifier.Manifest): Buffer
    static decodeManifest(bytes: Uint8Array): Verifier.Manifest
  }
  export = Verifier
}

declare module 'hypercore/lib/multisig.js' {
  /** Decode a version 1 multisignature: which signers signed. */
  export function inflate(signature: Uint8Array): { proofs: Array<{ signer: number }> }
}

declare module 'hypercore/lib/caps.js' {
  /** The signer namespace of a default (single-key) core manifest. */
  export const DEFAULT_NAMESPACE: Buffer
}

declare module 'flat-tree' {
  export function fullRoots(index: number): number[]
  export function sibling(index: number): number
  export function parent(index: number): number
}

declare module 'hypercore/lib/default-encryption.js' {
  /** Hypercore's default block encryption (what autobase uses for views of manifest version 1). */
  class DefaultEncryption {
    /** Bytes before each encrypted block: its blinded fork id, part of the nonce. */
    static readonly PADDING: number
    /** Decrypt a stored block (padding included) in place. */
    static decrypt(index: number, block: Uint8Array, blockKey: Uint8Array): void
  }
  export = DefaultEncryption
}
