import test from 'brittle'
import type { Entry } from '../lib/index.js'
import { createNode, mesh, converged } from './helpers/nodes.js'
import { audit } from './helpers/audit.js'
import { untilWritable } from './helpers/wait.js'

test('double spend - two partitioned owners spend the same funds: after the merge exactly one is accepted, for good', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  const c = await createNode(t, { key: a.key })
  const nodes = [a, b, c]
  let cut = mesh(nodes)

  // b and c share the "treasury" account; a and b are the indexers, so nothing is final while they are apart.
  await a.submit([
    { type: 'add-writer', key: b.writerKey, indexer: true },
    { type: 'add-writer', key: c.writerKey }
  ])
  await Promise.all([b, c].map((n) => untilWritable(n)))
  const open = await b.submit([
    { type: 'open-account', account: 'treasury' },
    { type: 'add-owner', account: 'treasury', key: c.writerKey }
  ])
  await a.waitForTransaction(open[1].id)
  await a.submit({ type: 'mint', account: 'treasury', amount: 100n })
  await converged(nodes, { final: true })

  cut()
  const [spendB] = await b.submit([
    {
      type: 'transfer',
      from: 'treasury',
      to: a.writerKey.toString('hex'),
      amount: 100n,
      memo: 'from b'
    }
  ])
  const [spendC] = await c.submit([
    {
      type: 'transfer',
      from: 'treasury',
      to: c.writerKey.toString('hex'),
      amount: 100n,
      memo: 'from c'
    }
  ])
  const seenByB = await b.waitForTransaction(spendB.id)
  const seenByC = await c.waitForTransaction(spendC.id)
  t.is(seenByB.outcome, 'accepted', 'each side alone accepts its own spend...')
  t.is(seenByC.outcome, 'accepted')
  t.absent(seenByB.final, '...but neither is final')
  t.absent(seenByC.final)

  cut = mesh(nodes)
  await converged(nodes, { final: true })
  const outcomes = await Promise.all(
    nodes.map(async (n) => [(await n.transaction(spendB.id))!, (await n.transaction(spendC.id))!])
  )
  const accepted = outcomes[0].filter((e) => e.outcome === 'accepted')
  t.is(accepted.length, 1, 'exactly one spend is accepted')
  t.is(
    outcomes[0].find((e) => e.outcome === 'rejected')?.reason,
    'INSUFFICIENT_FUNDS',
    'the other is rejected for insufficient funds'
  )
  t.ok(
    outcomes.every((o) => same(o, outcomes[0])),
    'identically on every node'
  )
  t.ok(
    outcomes[0].every((e) => e.final),
    'and both outcomes are final'
  )
  for (const n of nodes) t.is((await n.balance('treasury')).balance, 0n)

  // More concurrent writes, another partition and merge: final entries keep their position, hash and outcome.
  cut()
  await Promise.all(
    nodes.map((n, i) =>
      n.submit(
        Array.from({ length: 5 }, (_, j) => ({
          type: 'put' as const,
          key: `after-${i}-${j}`,
          value: j
        }))
      )
    )
  )
  cut = mesh(nodes)
  await converged(nodes, { final: true })
  for (const n of nodes) {
    const now = [(await n.transaction(spendB.id))!, (await n.transaction(spendC.id))!]
    t.ok(same(now, outcomes[0]), 'a final outcome never changes')
    await audit(n)
  }
})

function same(x: Entry[], y: Entry[]): boolean {
  return x.every(
    (e, i) =>
      e.position === y[i].position &&
      e.hash === y[i].hash &&
      e.outcome === y[i].outcome &&
      e.reason === y[i].reason
  )
}
