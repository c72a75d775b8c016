declare module 'hypercore-crypto' {
  interface TreeNode {
    index: number
    size: number
    hash: Uint8Array
  }
  export function hash(data: Uint8Array | Uint8Array[]): Buffer
  export function randomBytes(n: number): Buffer
  /** An Ed25519 key pair; the same seed gives the same pair. */
  export function keyPair(seed?: Uint8Array): { publicKey: Buffer; secretKey: Buffer }
  /** `count` 32-byte domain-separated namespaces under `name`. */
  export function namespace(name: string, count: number): Buffer[]
  /** Hash of a Merkle tree leaf (one block). */
  export function data(block: Uint8Array): Buffer
  /** Hash of the parent of two Merkle tree nodes. */
  export function parent(a: TreeNode, b: TreeNode): Buffer
  /** Hash of a Merkle tree from its roots: what a hypercore signature covers. */
  export function tree(roots: TreeNode[]): Buffer
}
