import test from 'brittle'
import { LedgerError } from '../lib/index.js'
import type { LedgerNode, TxInput } from '../lib/index.js'
import { createNode, mesh, converged } from './helpers/nodes.js'
import { audit } from './helpers/audit.js'
import { Random, seedFromEnv } from './helpers/random.js'
import { untilWritable } from './helpers/wait.js'

const ROUNDS = 6
const RUNS = 3 // seeds per `npm test`; each run is a different network size and schedule
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4']

const firstSeed = seedFromEnv()
for (let run = 0; run < (process.env.AUTOLEDGER_SEED ? 1 : RUNS); run++) {
  const seed = firstSeed + run
  test(`convergence - random transactions, partitions and merges end with one identical ledger (seed ${seed})`, (t) =>
    randomRun(t, seed))
}

async function randomRun(t: test.Test, seed: number): Promise<void> {
  t.comment('seed', seed, '(replay with AUTOLEDGER_SEED)')
  const rnd = new Random(seed)
  const count = 3 + rnd.int(3)

  const admin = await createNode(t)
  const nodes: LedgerNode[] = [admin]
  for (let i = 1; i < count; i++) nodes.push(await createNode(t, { key: admin.key }))
  const hex = (n: LedgerNode): string => n.writerKey.toString('hex')
  let cut = mesh(nodes)

  // Two indexers (admin and node 1), everyone else a plain writer; funds in every writer account and a shared pool.
  await admin.submit(
    nodes
      .slice(1)
      .map(
        (n, i) =>
          ({ type: 'add-writer', key: n.writerKey, role: 'writer', indexer: i === 0 }) as TxInput
      )
  )
  await Promise.all(nodes.map((n) => untilWritable(n)))
  await admin.submit([
    ...nodes.map((n) => ({ type: 'mint', account: hex(n), amount: 1000n }) as TxInput),
    { type: 'open-account', account: 'pool' },
    ...nodes
      .slice(1)
      .map((n) => ({ type: 'add-owner', account: 'pool', key: n.writerKey }) as TxInput),
    { type: 'mint', account: 'pool', amount: 500n }
  ])
  await converged(nodes)

  const ids: string[] = []
  // A removed writer's blocks that the admin had not seen when it removed the writer are skipped
  // (ordered after the removal); the ones it had seen stay. Track which is which.
  const removableIds = new Set<string>()
  const seenBeforeRemoval = new Set<string>()
  const removable = nodes.length > 3 ? nodes[nodes.length - 1] : null
  for (let round = 0; round < ROUNDS; round++) {
    cut()
    const groups: LedgerNode[][] = [[], []]
    for (const n of nodes) groups[rnd.int(2)].push(n)
    const cuts = groups.map((g) => mesh(g))
    cut = () => cuts.forEach((c) => c())

    if (removable !== null && round === 2) {
      for (const id of removableIds)
        if ((await admin.transaction(id)) !== null) seenBeforeRemoval.add(id)
      await admin.submit({ type: 'remove-writer', key: removable.writerKey })
    }
    if (removable !== null && round === 4)
      await admin.submit({ type: 'add-writer', key: removable.writerKey, role: 'writer' })

    await Promise.all(
      nodes.map(async (n) => {
        const txs = Array.from({ length: 3 + rnd.int(6) }, () => randomTx(rnd, n, nodes, ids))
        try {
          const receipts = await n.submit(txs)
          ids.push(...receipts.map((r) => r.id))
          if (n === removable) receipts.forEach((r) => removableIds.add(r.id))
        } catch (err) {
          // A writer removed in this round learns it cannot write any more; nothing else may fail.
          if (!(err instanceof LedgerError && err.code === 'NOT_WRITABLE' && n === removable))
            throw err
        }
      })
    )
    for (const g of groups) if (g.length > 1) await converged(g)
  }

  cut()
  mesh(nodes)
  const hash = await converged(nodes, { final: true, length: 1 })
  const heads = await Promise.all(nodes.map((n) => n.head()))
  t.ok(
    heads.every((h) => h.hash === heads[0].hash && h.length === heads[0].length),
    'every node holds the same head hash'
  )
  t.ok(
    heads.every((h) => h.final.hash === hash),
    'every node holds the same final head hash'
  )

  const audits = await Promise.all(nodes.map((n) => audit(n)))
  t.pass('hash chain intact, no negative balance, value conserved on every node')
  const outcomes = JSON.stringify([...audits[0].outcomes])
  t.ok(
    audits.every((a) => JSON.stringify([...a.outcomes]) === outcomes),
    'each transaction id has the same single outcome everywhere'
  )
  t.ok(
    ids.every(
      (id) => audits[0].outcomes.has(id) || (removableIds.has(id) && !seenBeforeRemoval.has(id))
    ),
    "every acknowledged submission is in the ledger, but for a removed writer's unseen ones"
  )
  const rejected = audits[0].entries.filter((e) => e.outcome === 'rejected').length
  t.comment(`${nodes.length} nodes, ${audits[0].entries.length} entries, ${rejected} rejected`)
}

function randomTx(rnd: Random, node: LedgerNode, nodes: LedgerNode[], ids: string[]): TxInput {
  const me = node.writerKey.toString('hex')
  const other = rnd.pick(nodes).writerKey.toString('hex')
  switch (rnd.int(7)) {
    case 0:
      return { type: 'put', key: rnd.pick(KEYS), value: { n: rnd.int(1000) } }
    case 1:
      return { type: 'del', key: rnd.pick(KEYS) }
    case 2:
      return { type: 'transfer', from: me, to: other, amount: BigInt(1 + rnd.int(400)) }
    case 3:
      return { type: 'transfer', from: 'pool', to: me, amount: BigInt(1 + rnd.int(300)) }
    case 4:
      return { type: 'open-account', account: 'name' + rnd.int(3) }
    case 5:
      return ids.length > 0
        ? { type: 'put', key: 'replay', value: 1, id: rnd.pick(ids) }
        : { type: 'del', key: 'k0' }
    default:
      return { type: 'transfer', from: other, to: me, amount: 1n } // fails unless other is me
  }
}
