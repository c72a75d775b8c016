import test from 'brittle'
import { LedgerNode } from '../lib/index.js'
import { tmpdir, link, converged } from './helpers/nodes.js'

test('restart - close and reopen from disk: nothing acknowledged is missing', async t => {
  const dirA = await tmpdir(t)
  const dirB = await tmpdir(t)
  let a = new LedgerNode({ storage: dirA, ackInterval: 50 })
  await a.ready()
  const key = a.key
  let b = new LedgerNode({ storage: dirB, key, ackInterval: 50 })
  await b.ready()
  let cut = link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey, indexer: true })
  await b.waitUntil(async () => (b.writable ? true : null))

  // Submit from both, and close as soon as the submits are acknowledged.
  const ids = [
    ...(await Promise.all(Array.from({ length: 50 }, (_, i) => a.submit({ type: 'put', key: `a${i}`, value: i })))),
    ...(await b.submit(Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: `b${i}`, value: i }))))
  ].map(r => r.id)
  cut()
  await Promise.all([a.close(), b.close()])

  // Reopen: a without the key (its store holds the ledger), b with it.
  a = new LedgerNode({ storage: dirA, ackInterval: 50 })
  b = new LedgerNode({ storage: dirB, key, ackInterval: 50 })
  t.teardown(() => a.close())
  t.teardown(() => b.close())
  await Promise.all([a.ready(), b.ready()])
  t.alike(a.key, key, 'a reopened the same ledger')
  t.ok(b.writable, 'b is still a writer')
  cut = link(a, b)
  const hash = await converged([a, b], { final: true, length: 102 })
  t.ok(hash)
  for (const n of [a, b]) {
    const found = await Promise.all(ids.map(id => n.transaction(id)))
    t.ok(found.every(e => e?.outcome === 'accepted'), 'every acknowledged transaction is present and accepted')
  }
  t.is((await a.entries({ gte: 0 })).items.length, 100, 'entries page at its default size')
  t.is(a.length, 102)
})
