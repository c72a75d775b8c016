import flat from 'flat-tree'
import crypto from 'hypercore-crypto'
import type Hypercore from 'hypercore'

/** Blocks read at once. */
const BATCH = 256

interface TreeNode {
  index: number
  size: number
  hash: Uint8Array
}

/**
 * The tree hash of a core's first `length` blocks, hashed anew from the bytes this node stores
 * (hypercore's Merkle tree: leaves, parents, roots). It equals the core's own tree hash only if no
 * stored block changed after it was appended, which the tree hash alone cannot tell. Null if a
 * block is not held. It hashes the blocks as stored: encrypted, on a private ledger.
 */
export async function hashStoredBlocks(
  core: Hypercore,
  length: number
): Promise<Uint8Array | null> {
  const stack: TreeNode[] = [] // the full subtrees so far, left to right
  for (let start = 0; start < length; start += BATCH) {
    const end = Math.min(length, start + BATCH)
    const blocks = await Promise.all(
      Array.from({ length: end - start }, (_, i) => core.get(start + i, { wait: false, raw: true }))
    )
    for (const [i, block] of blocks.entries()) {
      if (block === null) return null
      let node: TreeNode = {
        index: 2 * (start + i),
        size: block.byteLength,
        hash: crypto.data(block)
      }
      while (stack.length > 0 && stack[stack.length - 1].index === flat.sibling(node.index)) {
        const left = stack.pop() as TreeNode
        node = {
          index: flat.parent(node.index),
          size: left.size + node.size,
          hash: crypto.parent(left, node)
        }
      }
      stack.push(node)
    }
  }
  return crypto.tree(stack)
}
