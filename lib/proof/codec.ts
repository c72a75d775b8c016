import c from 'compact-encoding'
import b4a from 'b4a'
import { decodeExact } from '../ledger/primitives.js'

/** A node of a hypercore's Merkle tree (flat-tree index, bytes it spans, hash). */
export interface TreeNode {
  index: number
  size: number
  hash: Uint8Array
}

/** Everything needed to check one ledger entry with no store and no network (docs/format.md, "Entry proofs"). */
export interface EntryProof {
  /** The ledger key the proof is for; a verifier checks it against the key it trusts. */
  ledger: Uint8Array
  /** The ledger view's manifest in hypercore's encoding: the signers, quorum and prologue; its hash is the view's key. */
  manifest: Uint8Array
  fork: number
  /** The signed length of the ledger view: the ledger's final length when the proof was made. */
  length: number
  /** The roots of the view's Merkle tree at that length. */
  roots: TreeNode[]
  /** The quorum's multisignature of that tree. */
  signature: Uint8Array
  position: number
  /** The entry's stored bytes. */
  entry: Uint8Array
  /** The entry's Merkle path: the sibling of its leaf, then of each parent, up to one of the roots. */
  path: TreeNode[]
}

const MAGIC = b4a.from('ALEP')
const VERSION = 1

type State = ReturnType<typeof c.state>

const treeNode = {
  preencode(state: State, n: TreeNode): void {
    c.uint.preencode(state, n.index)
    c.uint.preencode(state, n.size)
    state.end += 32
  },
  encode(state: State, n: TreeNode): void {
    c.uint.encode(state, n.index)
    c.uint.encode(state, n.size)
    c.fixed32.encode(state, n.hash)
  },
  decode(state: State): TreeNode {
    return {
      index: c.uint.decode(state),
      size: c.uint.decode(state),
      hash: c.fixed32.decode(state)
    }
  }
}

const nodes = c.array(treeNode)

const proofCodec = {
  preencode(state: State, p: EntryProof): void {
    state.end += MAGIC.byteLength + 1 + 32
    c.buffer.preencode(state, p.manifest)
    c.uint.preencode(state, p.fork)
    c.uint.preencode(state, p.length)
    nodes.preencode(state, p.roots)
    c.buffer.preencode(state, p.signature)
    c.uint.preencode(state, p.position)
    c.buffer.preencode(state, p.entry)
    nodes.preencode(state, p.path)
  },
  encode(state: State, p: EntryProof): void {
    c.fixed(MAGIC.byteLength).encode(state, MAGIC)
    c.uint8.encode(state, VERSION)
    c.fixed32.encode(state, p.ledger)
    c.buffer.encode(state, p.manifest)
    c.uint.encode(state, p.fork)
    c.uint.encode(state, p.length)
    nodes.encode(state, p.roots)
    c.buffer.encode(state, p.signature)
    c.uint.encode(state, p.position)
    c.buffer.encode(state, p.entry)
    nodes.encode(state, p.path)
  },
  decode(state: State): EntryProof {
    if (!b4a.equals(c.fixed(MAGIC.byteLength).decode(state), MAGIC)) throw new Error('Not a proof')
    if (c.uint8.decode(state) !== VERSION) throw new Error('Unknown proof version')
    return {
      ledger: c.fixed32.decode(state),
      manifest: c.buffer.decode(state) ?? b4a.alloc(0),
      fork: c.uint.decode(state),
      length: c.uint.decode(state),
      roots: nodes.decode(state),
      signature: c.buffer.decode(state) ?? b4a.alloc(0),
      position: c.uint.decode(state),
      entry: c.buffer.decode(state) ?? b4a.alloc(0),
      path: nodes.decode(state)
    }
  }
}

export function encodeEntryProof(proof: EntryProof): Uint8Array {
  return c.encode(proofCodec, proof)
}

/**
 * Decode a proof; null unless the bytes are exactly one proof in its one encoding (re-encoding
 * gives the same bytes), so no bit of a file can change without the decoded proof changing.
 */
export function decodeEntryProof(bytes: Uint8Array): EntryProof | null {
  const proof = decodeExact(proofCodec, bytes)
  if (proof === null || !b4a.equals(encodeEntryProof(proof), bytes)) return null
  return proof
}
