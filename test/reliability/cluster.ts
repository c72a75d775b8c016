import path from 'path'
import type HyperDHT from 'hyperdht'
import { HttpClient } from '../../lib/http/client.js'
import type { Head, Peers } from '../../lib/index.js'
import type { EntryJson } from '../../lib/api/operations.js'
import { dataPaths } from '../../lib/datadir/config.js'
import { readToken } from '../../lib/datadir/token.js'
import { NodeProcess, freeUdpPort, pollUntil } from '../../lib/cli/processes.js'
import { startBootstrapper } from '../../lib/cli/commands/bootstrap.js'
import { initLedger } from '../../lib/cli/commands/init.js'
import { joinLedger } from '../../lib/cli/commands/join.js'
import { openLocal } from '../../lib/api/local.js'
import type { LocalNode } from '../../lib/api/local.js'
import { audit, verifyLog } from '../helpers/audit.js'
import { tempDir } from '../helpers/temp.js'
import { LOOPBACK } from '../helpers/loopback.js'
import { STEP_TIMEOUT_MS } from '../helpers/timeouts.js'
import { within } from '../helpers/wait.js'
import type { Report } from './report.js'
import { replayCluster } from './replay.js'
import type { Ack } from './load.js'

const AUDIT_TIMEOUT_MS = 60_000

/** One daemon of a cluster: a data directory and, while it runs, its process and HTTP client. */
export class Daemon {
  proc: NodeProcess | null = null
  client: HttpClient | null = null
  swarmKey = ''
  /** SIGKILLs so far: a request in flight across one may or may not have been carried out. */
  kills = 0

  constructor(
    readonly name: string,
    readonly dir: string,
    readonly writerKey: string
  ) {}

  get running(): boolean {
    return (
      this.proc !== null && this.proc.child.exitCode === null && this.proc.child.signalCode === null
    )
  }

  /** Spawn `autoledger run` and wait until it serves HTTP. */
  async start(): Promise<void> {
    const ready = await this.spawn().ready
    const client = new HttpClient(ready.url, await readToken(dataPaths(this.dir).token))
    this.swarmKey = (await client.peers()).swarmKey
    this.client = client
  }

  /** Spawn without waiting: for a kill that lands while the daemon is still opening its store. */
  spawn(): NodeProcess {
    this.client = null
    this.proc = new NodeProcess(this.name, ['--dir', this.dir])
    return this.proc
  }

  /** SIGKILL: no shutdown code runs. */
  async kill(): Promise<void> {
    const proc = this.proc
    this.client = null
    if (proc === null) return
    this.kills++
    proc.child.kill('SIGKILL')
    await proc.exited
  }

  /** SIGTERM and wait; resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.client = null
    const code = (await this.proc?.stop()) ?? null
    this.proc = null
    return code
  }

  /** The HTTP client, or an error saying the daemon is down. */
  api(): HttpClient {
    if (this.client === null) throw new Error(`daemon ${this.name} is not running`)
    return this.client
  }
}

export interface ClusterOptions {
  /** Daemons in all; the first creates the ledger. Default 3. */
  size?: number
  /** How many of them (the first ones) are indexers. Default: all. */
  indexers?: number
}

/**
 * A private network for reliability runs: a bootstrap DHT node in this process and `size`
 * daemon processes on loopback, each with its own data directory, all writers of one ledger.
 */
export class Cluster {
  private constructor(
    readonly root: string,
    private readonly removeRoot: () => Promise<void>,
    readonly dht: HyperDHT,
    readonly daemons: Daemon[],
    readonly key: string
  ) {}

  static async start({ size = 3, indexers = size }: ClusterOptions = {}): Promise<Cluster> {
    const { dir: root, remove } = await tempDir('reliability')
    const dht = await startBootstrapper(LOOPBACK, await freeUdpPort())
    const flags = {
      bootstrap: `${LOOPBACK}:${dht.address().port}`,
      host: LOOPBACK,
      reachable: true,
      http: `${LOOPBACK}:0`
    }
    const first = await initLedger(path.join(root, 'n0'), flags)
    const rest = await Promise.all(
      Array.from({ length: size - 1 }, (_, i) =>
        joinLedger(path.join(root, `n${i + 1}`), first.key, flags)
      )
    )
    const daemons = [first, ...rest].map((k, i) => new Daemon(`n${i}`, k.dir, k.writerKey))
    const cluster = new Cluster(root, remove, dht, daemons, first.key)
    try {
      // One after the other: each is announced before the next looks its peers up.
      for (const d of daemons) await d.start()
      const admin = daemons[0].api()
      for (const [i, d] of daemons.entries()) {
        if (i > 0) await admin.addWriter(d.writerKey, { indexer: i < indexers })
      }
      await cluster.until(async () => {
        const all = await Promise.all(daemons.map((d) => d.api().status()))
        return all.every((s) => s.writable && s.members.length === size) ? true : null
      }, 'every daemon to be a writer')
    } catch (err) {
      await cluster.destroy()
      throw err
    }
    return cluster
  }

  /** Poll until `check` gives non-null (errors from a daemon that is down count as not yet). */
  async until<T>(
    check: () => Promise<T | null>,
    what: string,
    timeout = STEP_TIMEOUT_MS
  ): Promise<T> {
    return pollUntil(
      async () => {
        try {
          return await check()
        } catch {
          return null
        }
      },
      timeout,
      what,
      50
    )
  }

  /** Heads of every daemon (all must be running). */
  async heads(): Promise<Head[]> {
    return Promise.all(this.daemons.map((d) => d.api().head()))
  }

  /**
   * Wait until every daemon holds the same ledger, all of it final: same length, same head hash,
   * final head = head. Resolves with that head and how long it took.
   */
  async converged(timeout = STEP_TIMEOUT_MS): Promise<{ head: Head; ms: number }> {
    const started = Date.now()
    try {
      const head = await this.until(
        async () => {
          const all = await Promise.all(this.daemons.map((d) => d.api().status()))
          const [h] = all
          const same = all.every(
            (s) =>
              s.length === h.length &&
              s.head === h.head &&
              s.finalLength === h.length &&
              s.finalHead === h.head &&
              s.complete
          )
          return same ? await this.daemons[0].api().head() : null
        },
        'every daemon to hold the same final head, all of it stored',
        timeout
      )
      return { head, ms: Date.now() - started }
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await this.describe()}`)
    }
  }

  /** One line per daemon: what it holds and sees, for failure messages. */
  async describe(): Promise<string> {
    const lines = await Promise.all(
      this.daemons.map(async (d) => {
        try {
          const s = await d.api().status()
          return `${d.name}: length ${s.length} stored ${s.storedLength} final ${s.finalLength} head ${s.head.slice(0, 8)} final ${s.finalHead.slice(0, 8)} peers ${s.peers} writable ${s.writable} indexer ${s.indexer} reorders ${s.reorders}`
        } catch (err) {
          return `${d.name}: ${(err as Error).message}`
        }
      })
    )
    return lines.join('\n')
  }

  /** The last `lines` log lines of every daemon, for failure messages. */
  logs(lines: number): string {
    return this.daemons
      .map((d) => `${d.name} log:\n${d.proc?.tail.slice(-lines).join('\n') ?? ''}`)
      .join('\n')
  }

  /** Cut replication between two groups of daemons (both sides keep running). */
  async partition(sides: Daemon[][]): Promise<void> {
    for (const [i, side] of sides.entries()) {
      const others = sides.filter((_, j) => j !== i).flat()
      for (const d of side) for (const o of others) await d.api().block(o.swarmKey)
    }
    await this.until(async () => {
      const lists = await Promise.all(this.daemons.map((d) => d.api().peers()))
      return lists.every((p, i) => crossed(p, sides, this.daemons[i]).length === 0) ? true : null
    }, 'the cut to take effect')
  }

  /** Undo every block and wait until each daemon is connected to all the others again. */
  async heal(): Promise<void> {
    for (const d of this.daemons) {
      for (const key of (await d.api().peers()).blocked) await d.api().unblock(key)
    }
    await this.until(async () => {
      const lists = await Promise.all(this.daemons.map((d) => d.api().peers()))
      return lists.every((p) => p.connected.length >= this.daemons.length - 1) ? true : null
    }, 'every daemon to reconnect to all the others')
  }

  /** Every entry of one daemon's ledger, in order. */
  async entries(d: Daemon): Promise<EntryJson[]> {
    const all: EntryJson[] = []
    for (let next: number | null = 0; next !== null;) {
      const page = await d.api().entries({ gte: next, limit: 1000 })
      all.push(...page.items)
      next = page.next
    }
    return all
  }

  /** Stop every daemon (SIGTERM) and the bootstrap node; resolves with each daemon's exit code. */
  async stop(): Promise<Array<number | null>> {
    const codes = await Promise.all(this.daemons.map((d) => d.stop()))
    await this.dht.destroy()
    return codes
  }

  async destroy(): Promise<void> {
    await Promise.all(
      this.daemons.map(async (d) => {
        if (d.running) await d.kill()
      })
    )
    await this.dht.destroy()
    await this.removeRoot()
  }
}

/** Connected peers of `self` that sit on another side of the cut. */
function crossed(peers: Peers, sides: Daemon[][], self: Daemon): string[] {
  const side = sides.find((s) => s.includes(self)) ?? []
  const mine = new Set(side.map((d) => d.swarmKey))
  const cut = new Set(sides.flat().map((d) => d.swarmKey))
  return peers.connected.filter((k) => cut.has(k) && !mine.has(k))
}

/** Mint `amount` into every daemon's own account and into the shared pool (owned by all of them). */
export async function fund(cluster: Cluster, pool: string, amount: bigint): Promise<void> {
  const admin = cluster.daemons[0].api()
  const result = await admin.submit(
    [
      { type: 'open-account', account: pool },
      ...cluster.daemons
        .slice(1)
        .map((d) => ({ type: 'add-owner', account: pool, key: d.writerKey })),
      { type: 'mint', account: pool, amount: amount.toString() },
      ...cluster.daemons.map((d) => ({
        type: 'mint',
        account: d.writerKey,
        amount: amount.toString()
      }))
    ],
    { wait: 'final', timeout: STEP_TIMEOUT_MS }
  )
  const refused = result.transactions.filter((t) => t.entry?.outcome !== 'accepted')
  if (refused.length > 0) throw new Error(`funding failed: ${JSON.stringify(refused)}`)
  await cluster.converged()
}

/**
 * Every acknowledged transaction is in the first daemon's ledger; with `identical` (the default),
 * every daemon holds that ledger entry by entry (hash and outcome).
 */
export async function checkAcknowledged(
  cluster: Cluster,
  acks: Ack[],
  report: Report,
  { identical = true } = {}
): Promise<void> {
  const ledgers = await Promise.all(
    (identical ? cluster.daemons : cluster.daemons.slice(0, 1)).map((d) => cluster.entries(d))
  )
  const [first] = ledgers
  if (identical) {
    const same = ledgers.every(
      (l) =>
        l.length === first.length &&
        l.every((e, i) => e.hash === first[i].hash && e.outcome === first[i].outcome)
    )
    report.check('every node holds the identical ledger, entry by entry', same)
  }
  const ids = new Set(first.map((e) => e.id))
  const lost = acks.filter((a) => !ids.has(a.id))
  report.figures.lost = lost.length
  report.check(
    'every acknowledged transaction is in the ledger',
    lost.length === 0,
    lost
      .slice(0, 5)
      .map((a) => `${a.id} via ${a.node}`)
      .join(', ')
  )
}

/** The checks that end every cluster run: a fresh node's replay of the writer logs, then each store's audit at `head`. */
export async function replayAndAudit(cluster: Cluster, head: Head, report: Report): Promise<void> {
  await replayCluster(cluster, report)
  await stopAndAudit(cluster, head, report)
}

/**
 * Stop every daemon (each must exit 0), then open each store in this process (no network) and
 * check it: it opens, holds `head`, every entry verifies against its own hash, and the full audit
 * holds (one outcome per id, balances replayed from entries match, nothing negative, value conserved).
 */
export async function stopAndAudit(cluster: Cluster, head: Head, report: Report): Promise<void> {
  const codes = await cluster.stop()
  report.check(
    'every daemon shuts down cleanly',
    codes.every((c) => c === 0),
    JSON.stringify(codes)
  )
  const problems = await auditStores(cluster, head)
  report.check(
    'every store reopens at the final head and passes the audit',
    problems.length === 0,
    problems.join('; ')
  )
}

async function auditStores(cluster: Cluster, head: Head): Promise<string[]> {
  const problems: string[] = []
  for (const d of cluster.daemons) {
    let local: LocalNode | null = null
    try {
      local = await openLocal(dataPaths(d.dir), { key: cluster.key })
      const h = await local.node.head()
      if (h.length !== head.length || h.hash !== head.hash)
        problems.push(
          `${d.name} reopened at ${h.length}/${h.hash.slice(0, 8)}, expected ${head.length}/${head.hash.slice(0, 8)}`
        )
      if (!(await verifyLog(local.node)))
        problems.push(`${d.name}: an entry is missing or does not verify against its hash`)
      const timeout = AUDIT_TIMEOUT_MS + head.length // a soak's ledger takes a while to walk
      await within(
        audit(local.node),
        timeout,
        'the audit to finish (a read may be waiting for a block the store does not hold)'
      )
    } catch (err) {
      problems.push(`${d.name}: ${(err as Error).message}`)
    } finally {
      await local?.close()
    }
  }
  return problems
}
