import test from 'brittle'
import { LedgerError, BUSY_WAIT_MS } from '../lib/index.js'
import type { LedgerNode } from '../lib/index.js'
import { createNode, link, converged } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'

const put = (n: number): { type: 'put'; key: string; value: number } => ({
  type: 'put',
  key: `k${n}`,
  value: n
})

/** An indexer `a` and a writer `b` that is not one: b's transactions are final only once a acks them. */
async function writerOfIndexer(
  t: test.Test,
  maxPending: number
): Promise<{ a: LedgerNode; b: LedgerNode; cut: () => void }> {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key, maxPending })
  const cut = link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey })
  await untilWritable(b)
  return { a, b, cut }
}

test('backpressure - own transactions count as pending until final, then none are', async (t) => {
  const { a, b } = await writerOfIndexer(t, 100)
  const receipts = await b.submit([put(1), put(2), put(3)])
  t.ok(b.pending > 0 && b.pending <= 3, `pending right after the submit (${b.pending})`)
  await Promise.all(receipts.map((r) => b.waitForTransaction(r.id, { final: true })))
  await b.waitUntil(async () => (b.pending === 0 ? true : null), 10_000, 'no pending transactions')
  t.is(b.pending, 0, 'none pending once final')
  t.is((await b.status()).pending, 0, 'status reports it')
  t.is(a.pending, 0, 'the other node counts only its own')
})

test('backpressure - a node whose indexer is out of reach holds submits past maxPending, and releases them when it is back', async (t) => {
  const { a, b, cut } = await writerOfIndexer(t, 4)
  cut()
  await b.submit([put(1), put(2), put(3), put(4)])
  t.is(b.pending, 4, 'four written while cut off, none final')

  const length = b.base.local.length
  let released = false
  const held = b.submit(put(5)).then((r) => {
    released = true
    return r
  })
  await b.update()
  t.absent(released, 'the fifth submit waits')
  t.is(b.base.local.length, length, 'nothing more written while it waits')

  link(a, b)
  const receipt = await held
  t.ok(released, 'released once the indexer acked')
  await converged([a, b], { final: true })
  t.is(
    (await a.transaction(receipt.id, { author: b.writerKey }))?.outcome,
    'accepted',
    'the held transaction is in the ledger'
  )
})

test(
  'backpressure - a submit held longer than BUSY_WAIT_MS fails with BUSY and writes nothing',
  { timeout: BUSY_WAIT_MS + 30_000 },
  async (t) => {
    const { b, cut } = await writerOfIndexer(t, 2)
    cut()
    await b.submit([put(1), put(2)])
    const length = b.base.local.length
    const err = await b.submit(put(3)).catch((e) => e)
    t.ok(err instanceof LedgerError && err.code === 'BUSY', `BUSY (${String(err?.message)})`)
    t.is(b.base.local.length, length, 'nothing was written')
  }
)
