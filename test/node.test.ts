import test from 'brittle'
import { createNode, link, converged } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'

test('node - a new ledger starts with a genesis entry and its creator as admin', async (t) => {
  const node = await createNode(t)
  await node.waitUntil(async () => (node.length >= 1 ? true : null))
  const genesis = await node.entry(0)
  t.is(genesis?.tx?.type, 'set-version')
  t.is(genesis?.outcome, 'accepted')
  const members = await node.members()
  t.is(members.length, 1)
  t.is(members[0].key, node.writerKey.toString('hex'))
  t.is(members[0].role, 'admin')
  t.ok(members[0].indexer)
})

test('node - put, get, history, transfer', async (t) => {
  const node = await createNode(t)
  const me = node.writerKey.toString('hex')
  const [a, , c] = await node.submit([
    { type: 'put', key: 'greeting', value: { hello: 'world' } },
    { type: 'mint', account: me, amount: 100n },
    { type: 'transfer', from: me, to: 'bob', amount: 10n }
  ])
  const put = await node.waitForTransaction(a.id)
  t.is(put.outcome, 'accepted')
  const tr = await node.waitForTransaction(c.id)
  t.is(tr.outcome, 'rejected')
  t.is(tr.reason, 'ACCOUNT_NOT_FOUND')
  t.alike((await node.get('greeting'))?.value, { hello: 'world' })
  t.is((await node.balance(me)).balance, 100n)
  const hist = await node.history('greeting')
  t.is(hist.items.length, 1)
  t.is(hist.items[0].id, a.id)
})

test('node - two writers converge to one head hash', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey, role: 'writer' })
  await untilWritable(b)
  await Promise.all([
    a.submit({ type: 'put', key: 'x', value: 1 }),
    b.submit({ type: 'put', key: 'y', value: 2 })
  ])
  const hash = await converged([a, b], { length: 4, final: true })
  t.is((await a.head()).final.hash, hash)
  t.is((await b.head()).final.hash, hash)
})
