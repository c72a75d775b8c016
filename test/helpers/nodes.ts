import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import type test from 'brittle'
import { LedgerNode } from '../../lib/index.js'
import type { LedgerNodeOptions } from '../../lib/index.js'

/** A fresh temporary directory, removed when the test ends. */
export async function tmpdir (t: test.Test): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-test-'))
  t.teardown(() => fs.rm(dir, { recursive: true, force: true }), { order: Infinity })
  return dir
}

/** Open a node on a fresh directory (or the given one); closed when the test ends. */
export async function createNode (t: test.Test, opts: Partial<LedgerNodeOptions> = {}): Promise<LedgerNode> {
  const node = new LedgerNode({ storage: opts.storage ?? await tmpdir(t), ackInterval: 50, ...opts })
  t.teardown(() => node.close())
  await node.ready()
  return node
}

/** Autobase internals worth seeing when nodes fail to converge. */
function diagnose (node: LedgerNode): Record<string, unknown> {
  const base = node.base as unknown as { isIndexer: boolean, writable: boolean, length: number, signedLength: number, heads (): unknown[], isFastForwarding (): boolean }
  return { indexer: base.isIndexer, writable: base.writable, system: `${base.signedLength}/${base.length}`, heads: base.heads().length, fastForwarding: base.isFastForwarding() }
}

/** Resolve on the next update of any node, or after `ms` (a re-check in case an update was missed). */
function nextChange (nodes: LedgerNode[], ms: number): Promise<void> {
  return new Promise(resolve => {
    const done = (): void => {
      clearTimeout(timer)
      for (const n of nodes) n.off('update', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    for (const n of nodes) n.on('update', done)
  })
}

/** Pipe replication streams between two in-process nodes; returns a function that cuts the link. */
export function link (a: LedgerNode, b: LedgerNode): () => void {
  const s1 = a.replicate(true) as NodeJS.ReadWriteStream & { destroy (): void }
  const s2 = b.replicate(false) as NodeJS.ReadWriteStream & { destroy (): void }
  s1.pipe(s2).pipe(s1)
  s1.on('error', () => {})
  s2.on('error', () => {})
  return () => { s1.destroy(); s2.destroy() }
}

/** Connect every pair of nodes; returns a function that cuts every link. */
export function mesh (nodes: LedgerNode[]): () => void {
  const cuts: Array<() => void> = []
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) cuts.push(link(nodes[i], nodes[j]))
  }
  return () => { for (const cut of cuts) cut() }
}

/**
 * Wait until every node reports the same head hash at the same length of at least `length`;
 * with `final`, until that whole head is also final everywhere. Returns the head hash. Fails if a
 * node raised the `diverged` alarm, unless `allowDiverged` (tests of the alarm itself).
 */
export async function converged (nodes: LedgerNode[], { final = false, length = 0, timeout = 60_000, allowDiverged = false } = {}): Promise<string> {
  const deadline = Date.now() + timeout
  for (;;) {
    await Promise.all(nodes.map(n => n.update()))
    const heads = await Promise.all(nodes.map(n => n.head()))
    const first = heads[0]
    const same = heads.every(h => h.hash === first.hash && h.length === first.length)
    const done = !final || heads.every(h => h.final.length === first.length)
    if (same && done && first.length >= length) {
      // Honest nodes never disagree with the signed ledger: an alarm here is a false one (or a bug).
      const diverged = nodes.map(n => n.alarms.diverged).filter(d => d !== null)
      if (diverged.length > 0 && !allowDiverged) throw new Error('a node raised diverged: ' + JSON.stringify(diverged))
      return first.hash
    }
    if (Date.now() > deadline) {
      throw new Error('nodes did not converge: ' + JSON.stringify(heads.map((h, i) => ({ ...h, ...diagnose(nodes[i]) }))))
    }
    await nextChange(nodes, 500)
  }
}
