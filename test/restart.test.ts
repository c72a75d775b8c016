import test from 'brittle'
import fs from 'fs/promises'
import path from 'path'
import { LedgerNode } from '../lib/index.js'
import { link, converged, TEST_ACK_INTERVAL_MS } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { untilWritable } from './helpers/wait.js'
import { FORMAT_VERSION } from '../lib/ledger/limits.js'

/** A format version above this release's. */
const FUTURE = FORMAT_VERSION + 1

test('restart - close and reopen from disk: nothing acknowledged is missing', async (t) => {
  const dirA = await tmpdir(t)
  const dirB = await tmpdir(t)
  let a = new LedgerNode({ storage: dirA, ackInterval: TEST_ACK_INTERVAL_MS })
  await a.ready()
  const key = a.key
  let b = new LedgerNode({ storage: dirB, key, ackInterval: TEST_ACK_INTERVAL_MS })
  await b.ready()
  let cut = link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey, indexer: true })
  await untilWritable(b)

  // Submit from both, and close as soon as the submits are acknowledged.
  const ids = [
    ...(await Promise.all(
      Array.from({ length: 50 }, (_, i) => a.submit({ type: 'put', key: `a${i}`, value: i }))
    )),
    ...(await b.submit(
      Array.from({ length: 50 }, (_, i) => ({ type: 'put' as const, key: `b${i}`, value: i }))
    ))
  ].map((r) => r.id)
  cut()
  await Promise.all([a.close(), b.close()])

  // Reopen: a without the key (its store holds the ledger), b with it.
  a = new LedgerNode({ storage: dirA, ackInterval: TEST_ACK_INTERVAL_MS })
  b = new LedgerNode({ storage: dirB, key, ackInterval: TEST_ACK_INTERVAL_MS })
  t.teardown(() => a.close())
  t.teardown(() => b.close())
  await Promise.all([a.ready(), b.ready()])
  t.alike(a.key, key, 'a reopened the same ledger')
  t.ok(b.writable, 'b is still a writer')
  cut = link(a, b)
  const hash = await converged([a, b], { final: true, length: 102 })
  t.ok(hash)
  for (const n of [a, b]) {
    const found = await Promise.all(ids.map((id) => n.transaction(id)))
    t.ok(
      found.every((e) => e?.outcome === 'accepted'),
      'every acknowledged transaction is present and accepted'
    )
  }
  t.is((await a.entries({ gte: 0 })).items.length, 100, 'entries page at its default size')
  t.is(a.length, 102)
})

test('restart - a node stopped by an unknown format activation resumes once reopened by a release that knows it', async (t) => {
  const dirB = await tmpdir(t)
  const a = new LedgerNode({
    storage: await tmpdir(t),
    ackInterval: TEST_ACK_INTERVAL_MS,
    formatVersion: FUTURE
  })
  t.teardown(() => a.close())
  await a.ready()
  let b = new LedgerNode({ storage: dirB, key: a.key, ackInterval: TEST_ACK_INTERVAL_MS }) // this release: up to FORMAT_VERSION
  await b.ready()
  let cut = link(a, b)
  const put = await a.submit({ type: 'put', key: 'before', value: 1 })
  await b.waitForTransaction(put.id)
  const stopped = new Promise<string>((resolve) => b.once('upgrade-required', resolve))
  await a.submit({ type: 'set-version', format: FUTURE })
  t.ok(await stopped, 'the old release stops at the activation')
  const length = b.length
  cut()
  await b.close()

  b = new LedgerNode({
    storage: dirB,
    key: a.key,
    ackInterval: TEST_ACK_INTERVAL_MS,
    formatVersion: FUTURE
  }) // the upgraded release
  t.teardown(() => b.close())
  await b.ready()
  cut = link(a, b)
  const after = await a.submit({ type: 'put', key: 'after', value: 2 })
  t.is(
    (await b.waitForTransaction(after.id)).outcome,
    'accepted',
    'the upgraded node applies past the activation'
  )
  t.ok(b.length > length)
  t.is((await b.status()).upgradeRequired, null)
  await converged([a, b], { final: true })
})

test('restart - a store killed during its very first open (empty device file) still opens', async (t) => {
  const dir = await tmpdir(t)
  await fs.writeFile(path.join(dir, 'CORESTORE'), '') // the state a SIGKILL between creating and writing it leaves
  const node = new LedgerNode({ storage: dir })
  t.teardown(() => node.close())
  await node.ready()
  t.is(node.length, 1, 'the new ledger holds its first entry')
  t.ok((await fs.stat(path.join(dir, 'CORESTORE'))).size > 0, 'the device file was written afresh')
})
