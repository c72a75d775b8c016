import type { Random } from '../helpers/random.js'
import { seededReport } from './report.js'
import type { Report } from './report.js'
import { Cluster, fund, replayAndAudit } from './cluster.js'
import type { Daemon } from './cluster.js'
import { POOL } from './load.js'
import { median } from '../../bench/harness/stats.js'
import type { TxInput } from '../../lib/index.js'

export interface PartitionOptions {
  /** Cut, write on every side, heal: this many times, cycling through the cuts below. */
  rounds: number
  seed: number
  /** Submits per daemon while cut off. Default 20. */
  writes?: number
}

const FUNDS = 10_000n

/** Which daemons (by index) end up on each side: each one alone in turn, then all three apart. */
const CUTS = [
  [[0], [1, 2]],
  [[1], [0, 2]],
  [[2], [0, 1]],
  [[0], [1], [2]]
]

/**
 * Three daemons cut apart by blocking each other's swarm keys (the processes keep running), every
 * side writing, including a transfer out of the shared pool that conflicts with the other sides'.
 * After each heal: one head hash everywhere within seconds, exactly one conflicting transfer
 * accepted, no account negative, value conserved, and no entry that was ever seen final changed.
 */
export async function runPartition({
  rounds,
  seed,
  writes = 20
}: PartitionOptions): Promise<Report> {
  const { report, rnd } = seededReport('partition', seed)
  const cluster = await Cluster.start({ size: 3 })
  const finalSeen = new Map<number, string>() // position -> hash + outcome of every entry ever seen final
  const changed: string[] = []
  const healMs: number[] = []
  const accounts = [POOL, ...cluster.daemons.map((d) => d.writerKey)]
  try {
    await fund(cluster, POOL, FUNDS)
    for (let round = 0; round < rounds; round++) {
      const sides = CUTS[round % CUTS.length].map((side) => side.map((i) => cluster.daemons[i]))
      await refill(cluster)
      changed.push(...(await recordFinal(cluster, finalSeen, report)))
      await cluster.partition(sides)
      report.count('partitions')
      report.count('sides', sides.length)

      // Every side drains most of the pool it sees: only one of these can be accepted after the heal.
      const pool = BigInt((await cluster.daemons[0].api().balance(POOL)).balance)
      const grab = (pool * 6n) / 10n
      const conflicting = await Promise.all(
        sides.map((side) =>
          submit(side[0], [
            { type: 'transfer', from: POOL, to: side[0].writerKey, amount: grab.toString() }
          ])
        )
      )
      report.count('conflicting transfers', conflicting.length)
      await Promise.all(cluster.daemons.map((d) => write(d, cluster.daemons, writes, rnd, report)))
      changed.push(...(await recordFinal(cluster, finalSeen, report)))

      await cluster.heal()
      const { ms } = await cluster.converged(30_000)
      healMs.push(ms)
      const outcomes = await Promise.all(
        conflicting
          .flat()
          .map(async (id) => (await cluster.daemons[0].api().transaction(id)).outcome)
      )
      const accepted = outcomes.filter((o) => o === 'accepted').length
      report.check(
        `round ${round + 1}: exactly one of the ${sides.length} conflicting pool transfers is accepted`,
        accepted === 1,
        `${accepted} accepted`
      )
      changed.push(...(await recordFinal(cluster, finalSeen, report)))
      await checkValue(cluster, accounts, report, round)
    }
    report.figures.healToConvergedP50Ms = median(healMs)
    report.figures.healToConvergedMaxMs = Math.max(...healMs)
    report.figures.finalEntriesWatched = finalSeen.size
    report.check(
      'no entry ever seen final changed its hash, outcome or position',
      changed.length === 0,
      changed.slice(0, 10).join(', ')
    )
    const { head } = await cluster.converged()
    report.figures.entries = head.length
    await replayAndAudit(cluster, head, report)
  } finally {
    await cluster.destroy()
  }
  return report
}

/** Mint the pool back up to FUNDS when conflicts have drained it below half, so every round has value to fight over. */
async function refill(cluster: Cluster): Promise<void> {
  const admin = cluster.daemons[0].api()
  const pool = BigInt((await admin.balance(POOL)).balance)
  if (pool >= FUNDS / 2n) return
  await admin.submit([{ type: 'mint', account: POOL, amount: (FUNDS - pool).toString() }], {
    wait: 'applied'
  })
  await cluster.converged()
}

async function submit(d: Daemon, txs: TxInput[]): Promise<string[]> {
  const result = await d.api().submit(txs, { wait: 'applied' })
  return result.transactions.map((t) => t.id)
}

/** Puts and small transfers between the daemons' own accounts, acknowledged one submit at a time. */
async function write(
  d: Daemon,
  all: Daemon[],
  n: number,
  rnd: Random,
  report: Report
): Promise<void> {
  for (let i = 0; i < n; i++) {
    const to = rnd.pick(all.filter((o) => o !== d)).writerKey
    await submit(d, [
      { type: 'put', key: `${d.name}/${i}`, value: i },
      { type: 'transfer', from: d.writerKey, to, amount: String(1 + rnd.int(100)) }
    ])
    report.count('transactions written while cut', 2)
  }
}

/**
 * Read every daemon's final entries; fail if any entry seen final before has another hash or
 * outcome now (a final entry must never move or change), and remember the new ones.
 */
async function recordFinal(
  cluster: Cluster,
  seen: Map<number, string>,
  report: Report
): Promise<string[]> {
  const changed: string[] = []
  for (const d of cluster.daemons) {
    const { finalLength } = await d.api().status()
    for (const e of (await cluster.entries(d)).slice(0, finalLength)) {
      const sig = `${e.hash}:${e.outcome}`
      const before = seen.get(e.position)
      if (before === undefined) seen.set(e.position, sig)
      else if (before !== sig) changed.push(`${d.name}@${e.position}`)
    }
    report.count('final-entry checks')
  }
  return changed
}

/** No balance negative, and the balances of every account ever used add up to the supply. */
async function checkValue(
  cluster: Cluster,
  accounts: string[],
  report: Report,
  round: number
): Promise<void> {
  for (const d of cluster.daemons) {
    const api = d.api()
    const balances = await Promise.all(
      accounts.map(async (a) => BigInt((await api.balance(a)).balance))
    )
    const { supply } = await api.status()
    const sum = balances.reduce((x, y) => x + y, 0n)
    report.check(
      `round ${round + 1}: ${d.name} has no negative balance and balances sum to the supply`,
      balances.every((b) => b >= 0n) && sum.toString() === supply,
      `sum ${sum}, supply ${supply}`
    )
  }
}
