import test from 'brittle'
import { LedgerError } from '../lib/index.js'
import { createNode, mesh, converged } from './helpers/nodes.js'
import { untilWritable as writable, untilNotWritable as notWritable } from './helpers/wait.js'

test('membership - non-admins cannot add or remove writers, mint, or change the format', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  const c = await createNode(t, { key: a.key })
  mesh([a, b, c])
  await a.submit({ type: 'add-writer', key: b.writerKey })
  await writable(b)
  const receipts = await b.submit([
    { type: 'add-writer', key: c.writerKey, role: 'admin', indexer: true },
    { type: 'remove-writer', key: a.writerKey },
    { type: 'mint', account: b.writerKey.toString('hex'), amount: 5n },
    { type: 'set-version', format: 1 }
  ])
  for (const r of receipts) {
    const e = await a.waitForTransaction(r.id)
    t.is(e.reason, 'NOT_AUTHORIZED', `${e.tx?.type} by a non-admin is rejected`)
  }
  t.absent(c.writable, 'c was not added')
  await t.exception(
    c.submit({ type: 'put', key: 'x', value: 1 }),
    /not a writer/,
    'a non-member cannot submit'
  )
  t.is((await a.members()).length, 2)
})

test('membership - a removed writer can no longer write, and its earlier entries stay', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  mesh([a, b])
  await a.submit({ type: 'add-writer', key: b.writerKey })
  await writable(b)
  const before = await b.submit({ type: 'put', key: 'by-b', value: 1 })
  await a.waitForTransaction(before.id)
  await a.submit({ type: 'remove-writer', key: b.writerKey })
  await notWritable(b)
  const err = await b.submit({ type: 'put', key: 'by-b', value: 2 }).catch((e) => e)
  t.ok(err instanceof LedgerError && err.code === 'NOT_WRITABLE', 'submit fails with NOT_WRITABLE')
  await converged([a, b], { final: true })
  t.is(
    (await a.transaction(before.id))?.outcome,
    'accepted',
    'the entry written before the removal stays'
  )
  t.alike((await a.get('by-b'))?.value, 1)
  t.alike(
    (await a.members()).map((m) => m.key),
    [a.writerKey.toString('hex')]
  )
})

test('membership - indexer changes keep finality working, and the last indexer and admin stay', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  const c = await createNode(t, { key: a.key })
  const nodes = [a, b, c]
  mesh(nodes)

  // c becomes a second admin and indexer; b an admin that is not an indexer.
  await a.submit([
    { type: 'add-writer', key: c.writerKey, role: 'admin', indexer: true },
    { type: 'add-writer', key: b.writerKey, role: 'admin' }
  ])
  await Promise.all([writable(b), writable(c)])
  await c.waitUntil(async () => (c.base.isIndexer ? true : null))
  const w1 = await b.submit({ type: 'put', key: 'k', value: 'two indexers' })
  await a.waitForTransaction(w1.id, { final: true })
  t.pass('entries become final with two indexers')

  // The creator leaves: c is now the only indexer.
  const removal = await c.submit({ type: 'remove-writer', key: a.writerKey })
  t.is((await c.waitForTransaction(removal.id)).outcome, 'accepted')
  await c.waitUntil(async () => ((await c.members()).length === 2 ? true : null))
  const w2 = await b.submit({ type: 'put', key: 'k', value: 'one indexer' })
  await c.waitForTransaction(w2.id, { final: true })
  await b.waitForTransaction(w2.id, { final: true })
  t.pass('entries become final after the indexer set changed')

  const last = await b.submit({ type: 'remove-writer', key: c.writerKey })
  t.is(
    (await c.waitForTransaction(last.id)).reason,
    'LAST_INDEXER',
    'the last indexer cannot be removed'
  )
  const selfRemove = await b.submit({ type: 'remove-writer', key: b.writerKey })
  t.is(
    (await c.waitForTransaction(selfRemove.id)).outcome,
    'accepted',
    'an admin may remove itself while another admin remains'
  )
  await notWritable(b)
  const lastAdmin = await c.submit({ type: 'remove-writer', key: c.writerKey })
  t.is(
    (await c.waitForTransaction(lastAdmin.id)).reason,
    'LAST_ADMIN',
    'the last admin cannot be removed'
  )
  await converged([b, c], { final: true })
})
