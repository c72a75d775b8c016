import type { LedgerNode } from '../../lib/index.js'

/** Autobase system blocks this node has applied (its own derivation). */
export function systemLength(node: LedgerNode): number {
  return node.base.core.length
}

/** One transaction at a time (each adds system blocks) until the writer's system core holds `length` blocks. */
export async function writeUntil(node: LedgerNode, length: number): Promise<void> {
  for (let i = 0; systemLength(node) < length; i++) {
    await node.submit({ type: 'put', key: `k${node.length}-${i}`, value: i })
  }
}

/** Counts the node's `fast-forward` events from now on. */
export function countFastForwards(node: LedgerNode): { count: number } {
  const seen = { count: 0 }
  node.on('fast-forward', () => seen.count++)
  return seen
}
