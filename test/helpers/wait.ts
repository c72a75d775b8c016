import type { LedgerNode } from '../../lib/index.js'
import { pollUntil } from '../../lib/cli/processes.js'
import { STEP_TIMEOUT_MS } from './timeouts.js'

/** Resolve with `promise`, or reject naming `what` once `ms` have passed (a wait with nothing else to time it out). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, late])
  } finally {
    clearTimeout(timer)
  }
}

/** Poll `check` until it returns non-null; throws TIMEOUT naming `what` after `timeout` ms. */
export async function until<T>(
  check: () => Promise<T | null>,
  what: string,
  timeout = STEP_TIMEOUT_MS,
  interval = 100
): Promise<T> {
  return pollUntil(check, timeout, what, interval)
}

/**
 * Resolve after `ms`. Only for schedules (a fault at a random moment, a paced submit, a back-off):
 * a wait for a condition is `until`, `within` or the node's own `waitUntil`.
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

/** Resolve on the next update of any of the nodes, or after `ms` (a re-check in case an update was missed). */
export function nextUpdate(nodes: LedgerNode | LedgerNode[], ms: number): Promise<void> {
  const all = Array.isArray(nodes) ? nodes : [nodes]
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      for (const n of all) n.off('update', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    for (const n of all) n.on('update', done)
  })
}

/** Wait until the node is a writer of its ledger (an admin added it and it has applied that). */
export function untilWritable(node: LedgerNode, timeout = STEP_TIMEOUT_MS): Promise<boolean> {
  return node.waitUntil(
    async () => (node.writable ? true : null),
    timeout,
    'the node to become writable'
  )
}

/** Wait until the node has applied its own removal and is a writer no more. */
export function untilNotWritable(node: LedgerNode, timeout = STEP_TIMEOUT_MS): Promise<boolean> {
  return node.waitUntil(
    async () => (node.writable ? null : true),
    timeout,
    'the node to see its removal'
  )
}
