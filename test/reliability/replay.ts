import b4a from 'b4a'
import type Hypercore from 'hypercore'
import Hyperswarm from 'hyperswarm'
import { LedgerNode } from '../../lib/index.js'
import { appliedBy } from '../../lib/node/applied.js'
import type { Head } from '../../lib/index.js'
import { link } from '../helpers/nodes.js'
import { tempDir } from '../helpers/temp.js'
import { LOOPBACK, loopbackDht } from '../helpers/loopback.js'
import { nextUpdate } from '../helpers/wait.js'
import type { Report } from './report.js'
import type { Cluster } from './cluster.js'

/** How often the fresh node's progress is looked at, besides on every update (ms). */
const POLL_MS = 250
/** The wait for the fresh node grows by this much per entry of the longest ledger (ms): a soak's ledger takes a while to replay. */
const MS_PER_ENTRY = 2
const BASE_TIMEOUT_MS = 60_000
/** Once the fresh node's entries match, how long its own final length may take to catch up (ms). */
const SIGNED_TIMEOUT_MS = 15_000
const PAGE = 1000
/** Duplicates named per ledger in a failure message (the rest are counted). */
const MAX_REPORTED = 3

/** The fields of an entry the check reads: an in-process Entry and the HTTP API's JSON both have them. */
export interface EntryFields {
  position: number
  writer: string
  writerPosition: number
  index: number
  hash: string
  outcome: string
  reason: string | null
}

/** A ledger to check, read through a LedgerNode or a daemon's HTTP client. */
export interface ReadableLedger {
  head(): Promise<Head>
  entries(range: {
    gte: number
    limit: number
  }): Promise<{ items: EntryFields[]; next: number | null }>
}

/** A node or writer by name, and its key (hex). */
export interface Named {
  name: string
  key: string
}

/** How the fresh node is connected to the others. */
export interface Link {
  /** The nodes it is not connected to yet (by name); absent when the link is made at once. */
  away?(): string[]
  cut(): Promise<void> | void
}

export interface ReplayOptions {
  /** Ledger key (hex). */
  key: string
  /** Every node of the scenario: the fresh node's derivation must match each one's final ledger. */
  nodes: Array<{ name: string; ledger: ReadableLedger }>
  /** Writers (writer key hex) whose whole logs the fresh node must hold and apply. */
  writers: Named[]
  /** Connect the fresh node (opened without a network) to the others. */
  reach: (fresh: LedgerNode) => Link
  /** Longest wait for the fresh node to hold and apply every log (ms). Default: 60 s plus 2 ms per entry. */
  timeout?: number
}

export interface ReplayResult {
  /** How the fresh derivation differs from each node's final ledger (or why it could not finish), one line each. */
  differences: string[]
  /** Per ledger that holds a (writer, writerPosition, index) more than once: where. */
  duplicates: string[]
  /** Entries the fresh node derived. */
  length: number
  /** From opening the fresh node to its derivation being complete (ms). */
  ms: number
}

/**
 * The replay invariant: a fresh node that derives the ledger from every writer's log from scratch
 * (no fast-forward) reaches the final head of every node at the same length, and no ledger (the
 * nodes' or the fresh one's) holds the same (writer, writerPosition, index) twice.
 */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now()
  const heads = await Promise.all(
    opts.nodes.map(async (n) => ({ name: n.name, ledger: n.ledger, head: await n.ledger.head() }))
  )
  const longest = Math.max(0, ...heads.map((h) => h.head.length))
  const timeout = opts.timeout ?? BASE_TIMEOUT_MS + MS_PER_ENTRY * longest
  const tmp = await tempDir('replay')
  const fresh = new LedgerNode({ storage: tmp.dir, key: opts.key, fastForward: false })
  const logs: Hypercore[] = []
  let link: Link | null = null
  try {
    await fresh.ready()
    link = opts.reach(fresh)
    for (const w of opts.writers) logs.push(fresh.base.store.get({ key: b4a.from(w.key, 'hex') }))
    await Promise.all(logs.map((l) => l.ready()))
    const differences: string[] = []
    const waited = await untilReplayed(fresh, opts.writers, logs, link, timeout)
    if (waited !== null)
      differences.push(
        `the fresh node did not hold and apply every writer's log within ${timeout} ms: ${waited}`
      )
    const ms = Date.now() - started
    const derived = await fresh.head()
    for (const { name, ledger, head } of heads) {
      const mismatch = await compare(fresh, derived, name, ledger, head)
      if (mismatch !== null) differences.push(mismatch)
    }
    if (differences.length === 0) {
      const signed = await untilFinal(fresh, derived.length)
      if (signed !== null) differences.push(signed)
    }
    const twice = await duplicates([{ name: 'fresh node', ledger: fresh, head: derived }, ...heads])
    return { differences, duplicates: twice, length: derived.length, ms }
  } finally {
    await link?.cut()
    await Promise.all(logs.map((l) => l.close()))
    await fresh.close()
    await tmp.remove()
  }
}

/** Run the replay check on a cluster's running daemons and record it in the report. */
export async function replayCluster(cluster: Cluster, report: Report): Promise<ReplayResult> {
  const result = await replay({
    key: cluster.key,
    nodes: cluster.daemons.map((d) => ({ name: d.name, ledger: d.api() })),
    writers: cluster.daemons.map((d) => ({ name: d.name, key: d.writerKey })),
    reach: (fresh) =>
      swarmLink(
        fresh,
        cluster.dht.address().port,
        cluster.daemons.map((d) => ({ name: d.name, key: d.swarmKey }))
      )
  })
  recordReplay(report, result)
  return result
}

/** Run the replay check on in-process nodes, linking the fresh node to each by replication streams. */
export async function replayNodes(
  nodes: Array<{ name: string; node: LedgerNode }>,
  writers: Named[],
  report: Report
): Promise<ReplayResult> {
  const result = await replay({
    key: b4a.toString(nodes[0].node.key, 'hex'),
    nodes: nodes.map((n) => ({ name: n.name, ledger: n.node })),
    writers,
    reach: (fresh) => {
      const cuts = nodes.map((n) => link(fresh, n.node))
      return {
        cut: () => {
          for (const c of cuts) c()
        }
      }
    }
  })
  recordReplay(report, result)
  return result
}

function recordReplay(report: Report, result: ReplayResult): void {
  report.figures.replayMs = result.ms
  report.figures.replayEntries = result.length
  report.check(
    "a fresh node replaying every writer log from scratch reaches every node's final head at the same length",
    result.differences.length === 0,
    result.differences.join('; ')
  )
  report.check(
    'no ledger holds the same (writer, writerPosition, index) twice',
    result.duplicates.length === 0,
    result.duplicates.join('; ')
  )
}

/**
 * Connect the fresh node to each daemon by its swarm key (not by looking the ledger's topic up: a
 * lookup may not return a node that was restarted a moment ago, and hyperswarm repeats it only
 * after minutes), through a DHT node of its own on the cluster's loopback bootstrap node.
 */
function swarmLink(fresh: LedgerNode, bootstrapPort: number, peers: Named[]): Link {
  const swarm = new Hyperswarm({ dht: loopbackDht([{ host: LOOPBACK, port: bootstrapPort }]) })
  swarm.on('connection', (conn: Hyperswarm.Connection) => {
    conn.on('error', () => {})
    fresh.replicate(conn)
  })
  for (const p of peers) swarm.joinPeer(b4a.from(p.key, 'hex'))
  return {
    away: () => {
      const connected = new Set(
        [...swarm.connections].map((c) => b4a.toString(c.remotePublicKey, 'hex'))
      )
      return peers.filter((p) => !connected.has(p.key)).map((p) => p.name)
    },
    cut: () => swarm.destroy()
  }
}

/**
 * Wait until the fresh node holds every writer's log as far as any peer has it, and has applied
 * all of it (a removed writer's later blocks are skipped, so only held). Null when done, else what is missing.
 */
async function untilReplayed(
  fresh: LedgerNode,
  writers: Named[],
  logs: Hypercore[],
  link: Link,
  timeout: number
): Promise<string | null> {
  const deadline = Date.now() + timeout
  for (;;) {
    let missing = await progress(fresh, writers, logs, link)
    if (missing === '') {
      // The applied system state runs ahead of the views readers see until the apply round ends.
      await fresh.update()
      missing = await progress(fresh, writers, logs, link)
      if (missing === '') return null
    }
    const left = deadline - Date.now()
    if (left <= 0) return missing
    await nextUpdate(fresh, Math.min(left, POLL_MS))
  }
}

async function progress(
  fresh: LedgerNode,
  writers: Named[],
  logs: Hypercore[],
  link: Link
): Promise<string> {
  const lacking: string[] = []
  const away = link.away?.() ?? []
  if (away.length > 0) lacking.push(`not connected to ${away.join(', ')}`)
  for (const [i, w] of writers.entries()) {
    const log = logs[i]
    const known = Math.max(log.length, ...log.peers.map((p) => p.remoteLength))
    const info = await appliedBy(fresh.base, log.key)
    const applied = info?.length ?? 0
    const removed = info?.isRemoved === true
    if (known === 0 || log.contiguousLength < known || (!removed && applied < known)) {
      lacking.push(
        `${w.name}'s log: ${known} blocks seen, ${log.contiguousLength} held, ${applied} applied${removed ? ' (removed)' : ''}`
      )
    }
  }
  return lacking.join(', ')
}

/** Compare the fresh derivation with one node's ledger: null when that node is final at the derived head, else how it differs. */
async function compare(
  fresh: LedgerNode,
  derived: Head,
  name: string,
  ledger: ReadableLedger,
  head: Head
): Promise<string | null> {
  const final = head.final
  if (derived.length === final.length && derived.hash === final.hash) return null
  const state = `${name} is final at ${final.length} (head ${final.hash.slice(0, 8)}; ${head.length} entries, head ${head.hash.slice(0, 8)}), the fresh node derives ${derived.length} (head ${derived.hash.slice(0, 8)})`
  const common = Math.min(derived.length, final.length)
  const at = await firstDifference(fresh, ledger, common)
  if (at < common || final.length > derived.length) {
    return `${state}: ${name}'s final ledger differs from the writer logs at position ${at}: ${name} has ${describe(await entryAt(ledger, at))}, the fresh node ${at < derived.length ? describe(await entryAt(fresh, at)) : 'nothing'}`
  }
  const own = head.length === derived.length && head.hash === derived.hash
  return `${state}: ${name} is not final up to the derived head${own ? ' although its own ledger is the derived one (the signed state is not)' : ''}`
}

/** The first position where two ledgers differ within their first `common` entries (the hash chain makes equal hashes equal prefixes), or `common`. */
async function firstDifference(
  a: ReadableLedger,
  b: ReadableLedger,
  common: number
): Promise<number> {
  let lo = 0
  let hi = common // invariant: entries before lo agree; at hi (if < common) they differ
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    const [x, y] = await Promise.all([entryAt(a, mid), entryAt(b, mid)])
    if (x?.hash === y?.hash) lo = mid + 1
    else hi = mid
  }
  return lo
}

async function entryAt(ledger: ReadableLedger, position: number): Promise<EntryFields | null> {
  return (await ledger.entries({ gte: position, limit: 1 })).items[0] ?? null
}

function describe(e: EntryFields | null): string {
  if (e === null) return 'no entry'
  return `writer ${e.writer.slice(0, 8)} block ${e.writerPosition} tx ${e.index} ${e.outcome}${e.reason === null ? '' : ` ${e.reason}`} (hash ${e.hash.slice(0, 8)})`
}

/** Wait until the fresh node's own final length reaches its derived length: the signed state is what it derived. */
async function untilFinal(fresh: LedgerNode, length: number): Promise<string | null> {
  const deadline = Date.now() + SIGNED_TIMEOUT_MS
  while (fresh.finalLength < length) {
    const left = deadline - Date.now()
    if (left <= 0)
      return `the fresh node derived every node's final ledger (${length} entries) but is final only at ${fresh.finalLength} after ${SIGNED_TIMEOUT_MS} ms`
    await nextUpdate(fresh, Math.min(left, POLL_MS))
  }
  return null
}

/**
 * Every ledger holds each (writer, writerPosition, index) at most once. Ledgers with the same head
 * hold the same entries (the hash chain), so each distinct head is read once.
 */
async function duplicates(
  ledgers: Array<{ name: string; ledger: ReadableLedger; head: Head }>
): Promise<string[]> {
  const problems: string[] = []
  const read = new Set<string>()
  for (const { name, ledger, head } of ledgers) {
    const id = `${head.length}:${head.hash}`
    if (read.has(id)) continue
    read.add(id)
    const seen = new Map<string, number>()
    const writers = new Map<string, number>()
    const found: string[] = []
    for (let next: number | null = 0; next !== null && next < head.length;) {
      const page = await ledger.entries({ gte: next, limit: PAGE })
      for (const e of page.items) {
        if (e.position >= head.length) break
        let w = writers.get(e.writer)
        if (w === undefined) writers.set(e.writer, (w = writers.size))
        const key = `${w}:${e.writerPosition}:${e.index}`
        const before = seen.get(key)
        if (before !== undefined)
          found.push(
            `(writer ${e.writer.slice(0, 8)}, block ${e.writerPosition}, tx ${e.index}) twice: at ${before} and ${e.position}`
          )
        else seen.set(key, e.position)
      }
      next = page.next
    }
    if (found.length > 0)
      problems.push(
        `${name} holds ${found.slice(0, MAX_REPORTED).join(', ')}${found.length > MAX_REPORTED ? ` and ${found.length - MAX_REPORTED} more entries twice` : ''}`
      )
  }
  return problems
}
