import type test from 'brittle'
import { LedgerNode } from '../../lib/index.js'
import type { LedgerNodeOptions } from '../../lib/index.js'
import { tempDir, tmpdir } from './temp.js'
import type { TempDir } from './temp.js'
import { nextUpdate } from './wait.js'
import { CONVERGE_TIMEOUT_MS } from './timeouts.js'
import { pipeReplication } from '../../lib/node/pipe.js'

/** What the fixtures open a node with unless told otherwise: acks quickly, so tests reach finality fast. */
export const TEST_ACK_INTERVAL_MS = 50

/** How to build a node from its options: a plain LedgerNode, or a subclass a test needs. */
export type MakeNode<T extends LedgerNode = LedgerNode> = (opts: LedgerNodeOptions) => T

const plain: MakeNode = (opts) => new LedgerNode(opts)

function options(
  storage: LedgerNodeOptions['storage'],
  opts: Partial<LedgerNodeOptions>
): LedgerNodeOptions {
  return { storage, ackInterval: TEST_ACK_INTERVAL_MS, ...opts }
}

/** Open a node on a fresh directory (or the given storage); closed when the test ends. */
export async function createNode(
  t: test.Test,
  opts?: Partial<LedgerNodeOptions>
): Promise<LedgerNode>
export async function createNode<T extends LedgerNode>(
  t: test.Test,
  opts: Partial<LedgerNodeOptions>,
  make: MakeNode<T>
): Promise<T>
export async function createNode(
  t: test.Test,
  opts: Partial<LedgerNodeOptions> = {},
  make: MakeNode = plain
): Promise<LedgerNode> {
  const node = make(options(opts.storage ?? (await tmpdir(t)), opts))
  t.teardown(() => node.close())
  await node.ready()
  return node
}

/** Nodes on fresh temporary directories, for runs outside a test: `destroy` closes them all and removes their directories. */
export class NodeGroup {
  readonly nodes: LedgerNode[] = []
  private readonly dirs: TempDir[] = []

  constructor(private readonly label: string) {}

  async open(opts: Partial<LedgerNodeOptions> = {}): Promise<LedgerNode> {
    const tmp = await tempDir(this.label)
    this.dirs.push(tmp)
    const node = new LedgerNode(options(tmp.dir, opts))
    this.nodes.push(node)
    await node.ready()
    return node
  }

  /** Close one node early and leave it out of the group (its directory goes at `destroy`). */
  async drop(node: LedgerNode): Promise<void> {
    await node.close()
    this.nodes.splice(this.nodes.indexOf(node), 1)
  }

  async destroy(): Promise<void> {
    for (const node of [...this.nodes].reverse()) await node.close().catch(() => {})
    for (const tmp of this.dirs) await tmp.remove()
  }
}

/** Autobase internals worth seeing when nodes fail to converge. */
function diagnose(node: LedgerNode): Record<string, unknown> {
  const base = node.base as unknown as {
    isIndexer: boolean
    writable: boolean
    length: number
    signedLength: number
    heads(): unknown[]
    isFastForwarding(): boolean
  }
  return {
    indexer: base.isIndexer,
    writable: base.writable,
    system: `${base.signedLength}/${base.length}`,
    heads: base.heads().length,
    fastForwarding: base.isFastForwarding()
  }
}

/** Pipe replication streams between two in-process nodes; returns a function that cuts the link. */
export function link(a: LedgerNode, b: LedgerNode): () => void {
  return pipeReplication(a, b)
}

/** Connect every pair of nodes; returns a function that cuts every link. */
export function mesh(nodes: LedgerNode[]): () => void {
  const cuts: Array<() => void> = []
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) cuts.push(link(nodes[i], nodes[j]))
  }
  return () => {
    for (const cut of cuts) cut()
  }
}

/**
 * Wait until every node reports the same head hash at the same length of at least `length`;
 * with `final`, until that whole head is also final everywhere. Returns the head hash. Fails if a
 * node raised the `diverged` alarm, unless `allowDiverged` (tests of the alarm itself).
 */
export async function converged(
  nodes: LedgerNode[],
  { final = false, length = 0, timeout = CONVERGE_TIMEOUT_MS, allowDiverged = false } = {}
): Promise<string> {
  const deadline = Date.now() + timeout
  for (;;) {
    await Promise.all(nodes.map((n) => n.update()))
    const heads = await Promise.all(nodes.map((n) => n.head()))
    const first = heads[0]
    const same = heads.every((h) => h.hash === first.hash && h.length === first.length)
    const done = !final || heads.every((h) => h.final.length === first.length)
    if (same && done && first.length >= length) {
      // Honest nodes never disagree with the signed ledger: an alarm here is a false one (or a bug).
      const diverged = nodes.map((n) => n.alarms.diverged).filter((d) => d !== null)
      if (diverged.length > 0 && !allowDiverged)
        throw new Error('a node raised diverged: ' + JSON.stringify(diverged))
      return first.hash
    }
    if (Date.now() > deadline) {
      throw new Error(
        'nodes did not converge: ' +
          JSON.stringify(heads.map((h, i) => ({ ...h, ...diagnose(nodes[i]) })))
      )
    }
    await nextUpdate(nodes, 500)
  }
}
