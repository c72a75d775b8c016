import type { Head } from '../../lib/index.js'
import type { LedgerNode } from '../../lib/index.js'
import type { VerifyReport, VerifiedEntry } from '../../lib/node/verify.js'
import type { Report } from './report.js'
import type { Cluster } from './cluster.js'

const PAGE = 1000
const SETTLE_MS = 60_000
/** Duplicates named per ledger in a failure message (the rest are counted). */
const MAX_REPORTED = 3

/** The fields of an entry the check reads: an in-process Entry and the HTTP API's JSON both have them. */
export interface EntryFields {
  position: number
  writer: string
  writerPosition: number
  index: number
}

/** A ledger to check, through a LedgerNode or a daemon's HTTP client: `verify` is the node's own. */
export interface VerifiableLedger {
  head(): Promise<Head>
  entries(range: {
    gte: number
    limit: number
  }): Promise<{ items: EntryFields[]; next: number | null }>
  verify(): Promise<VerifyReport>
}

/** A writer by name and key (hex); `length`: its whole log, when no checked node is that writer. */
export interface Writer {
  name: string
  key: string
  length?: number
}

export interface ReplayOptions {
  /** Every node of the scenario. */
  nodes: Array<{ name: string; ledger: VerifiableLedger }>
  /** Every writer: each one's whole log must be in every node's final ledger. */
  writers: Writer[]
  /** How long the nodes verify again while a writer's log is longer than some node's derivation (ms). Default 60 s. */
  settle?: number
}

export interface ReplayResult {
  /** How a node's final ledger differs from the writer logs, or from the others', one line each. */
  differences: string[]
  /** Per ledger that holds a (writer, writerPosition, index) more than once: where. */
  duplicates: string[]
  /** Entries derived (the longest final ledger). */
  length: number
  /** The time all the verifies took (ms). */
  ms: number
}

/**
 * The replay invariant: every node's `verify` (a derivation from the writer logs from scratch, no
 * fast-forward, compared with its final ledger entry by entry and then its state) is identical,
 * over the whole of every writer's log, with the same final head everywhere; and no ledger holds
 * the same (writer, writerPosition, index) twice.
 */
export async function replay(opts: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now()
  let checked = await verifyAll(opts.nodes)
  // A writer may append (an ack) after another node verified: all verify again, for a while.
  while (
    unapplied(opts.writers, checked).length > 0 &&
    Date.now() - started < (opts.settle ?? SETTLE_MS)
  )
    checked = await verifyAll(opts.nodes)
  const ms = Date.now() - started
  const differences: string[] = []
  for (const { name, report } of checked) {
    const problem = verdict(name, report)
    if (problem !== null) differences.push(problem)
  }
  const first = checked[0]?.report
  for (const { name, report } of checked.slice(1)) {
    if (report.length !== first.length || report.head !== first.head)
      differences.push(
        `${name} is final at ${report.length} (head ${report.head.slice(0, 8)}), ${checked[0].name} at ${first.length} (head ${first.head.slice(0, 8)})`
      )
  }
  differences.push(...unapplied(opts.writers, checked))
  const heads = await Promise.all(
    checked.map(async (c) => ({ ...c, head: (await c.ledger.head()).final }))
  )
  const twice = await duplicates(heads)
  return {
    differences,
    duplicates: twice,
    length: Math.max(0, ...checked.map((c) => c.report.length)),
    ms
  }
}

async function verifyAll(
  nodes: ReplayOptions['nodes']
): Promise<Array<{ name: string; ledger: VerifiableLedger; report: VerifyReport }>> {
  const checked: Array<{ name: string; ledger: VerifiableLedger; report: VerifyReport }> = []
  for (const { name, ledger } of nodes)
    checked.push({ name, ledger, report: await ledger.verify() })
  return checked
}

/** What a node's verify report says is wrong, or null. */
function verdict(name: string, r: VerifyReport): string | null {
  if (r.result === 'incomplete')
    return `${name} cannot derive its ledger: ${r.missing.map((m) => `${m.log.slice(0, 8)} holds ${m.held} of ${m.needed}`).join(', ')}`
  if (r.result === 'different') {
    const d = r.difference
    return `${name}'s final ledger (${r.length} entries) differs from the writer logs at position ${d?.position}: ${d?.what}; ${name} has ${describe(d?.ours)}, the derivation ${describe(d?.derived)}`
  }
  if (!r.stateCompared) return `${name} has entries that are not final (final at ${r.length})`
  return null
}

/** Every writer's whole log (as its own node applied it, or as given) is applied on every node, unless the node removed the writer. */
function unapplied(
  writers: Writer[],
  checked: Array<{ name: string; report: VerifyReport }>
): string[] {
  const problems: string[] = []
  const applied = (r: VerifyReport, key: string) => r.logs.find((l) => l.log === key)
  for (const w of writers) {
    const own = checked.find((c) => c.name === w.name)
    const whole = w.length ?? (own === undefined ? 0 : (applied(own.report, w.key)?.length ?? 0))
    for (const { name, report } of checked) {
      const log = applied(report, w.key)
      if (whole === 0 || (log?.removed !== true && (log?.length ?? 0) < whole))
        problems.push(
          `${w.name}'s log: ${whole} blocks, ${name}'s final ledger derives from ${log?.length ?? 0}${log?.removed === true ? ' (removed)' : ''}`
        )
    }
  }
  return problems
}

function describe(e: VerifiedEntry | string | null | undefined): string {
  if (e == null) return 'nothing'
  if (typeof e === 'string') return e
  return `writer ${e.writer.slice(0, 8)} block ${e.writerPosition} tx ${e.index} ${e.outcome}${e.reason === null ? '' : ` ${e.reason}`} (hash ${e.hash.slice(0, 8)})`
}

/** Run the replay check on a cluster's running daemons (each verifies through its HTTP API) and record it in the report. */
export async function replayCluster(cluster: Cluster, report: Report): Promise<ReplayResult> {
  const result = await replay({
    nodes: cluster.daemons.map((d) => ({ name: d.name, ledger: d.api() })),
    writers: cluster.daemons.map((d) => ({ name: d.name, key: d.writerKey }))
  })
  recordReplay(report, result)
  return result
}

/** Run the replay check on in-process nodes. */
export async function replayNodes(
  nodes: Array<{ name: string; node: LedgerNode }>,
  writers: Writer[],
  report: Report
): Promise<ReplayResult> {
  const result = await replay({
    nodes: nodes.map((n) => ({ name: n.name, ledger: n.node })),
    writers
  })
  recordReplay(report, result)
  return result
}

function recordReplay(report: Report, result: ReplayResult): void {
  report.figures.replayMs = result.ms
  report.figures.replayEntries = result.length
  report.check(
    "every node's verify (its final ledger and state derived from every writer's whole log from scratch) is identical, at the same final head",
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
 * Every ledger holds each (writer, writerPosition, index) at most once in its final entries.
 * Ledgers with the same final head hold the same entries (the hash chain), so each distinct head is read once.
 */
async function duplicates(
  ledgers: Array<{ name: string; ledger: VerifiableLedger; head: Head['final'] }>
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
