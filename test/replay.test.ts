import test from 'brittle'
import b4a from 'b4a'
import type { LedgerNode } from '../lib/index.js'
import { createNode, link, converged } from './helpers/nodes.js'
import type { MakeNode } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'
import { DoubleApplyNode } from './helpers/skewed-apply.js'
import { replay } from './reliability/replay.js'
import type { Writer } from './reliability/replay.js'

const hex = (b: Uint8Array): string => b4a.toString(b, 'hex')
const MARKER = 'applied-twice'

/** An indexer and a plain writer, both written to, all of it final on both. */
async function ledger(t: test.Test): Promise<{ a: LedgerNode; b: LedgerNode; writers: Writer[] }> {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  const cut = link(a, b)
  t.teardown(cut)
  await a.submit({ type: 'add-writer', key: b.writerKey })
  await untilWritable(b)
  for (let i = 0; i < 5; i++) {
    await Promise.all([
      a.submit([
        { type: 'put', key: `a${i}`, value: i },
        { type: 'put', key: `a${i}x`, value: i }
      ]),
      b.submit({ type: 'put', key: `b${i}`, value: i })
    ])
  }
  await converged([a, b], { final: true, length: 17 })
  const writers = [
    { name: 'a', key: hex(a.writerKey) },
    { name: 'b', key: hex(b.writerKey) }
  ]
  return { a, b, writers }
}

test("replay - every node's verify of its final ledger is identical, over every writer's whole log", async (t) => {
  const { a, b, writers } = await ledger(t)
  const result = await replay({
    writers,
    nodes: [
      { name: 'a', ledger: a },
      { name: 'b', ledger: b }
    ]
  })
  t.alike(result.differences, [], "the derivation is every node's final ledger")
  t.alike(result.duplicates, [], 'no ledger holds a block twice')
  t.is(result.length, 17, 'the whole ledger was derived')
  t.is(result.length, a.finalLength)
})

test('replay - a node whose own apply recorded a block twice: named with the first differing position, and the block with both positions', async (t) => {
  const doubleApply: MakeNode = (opts) => new DoubleApplyNode(opts, MARKER)
  const a = await createNode(t, {}, doubleApply)
  for (const key of ['before', MARKER, 'after']) await a.submit({ type: 'put', key, value: 1 })
  await converged([a], { final: true })
  const copies = (await a.entries({ gte: 0, limit: 100 })).items.filter(
    (e) => e.tx?.type === 'put' && e.tx.key === MARKER
  )
  t.is(copies.length, 2, 'a holds the block twice')
  const result = await replay({
    writers: [{ name: 'a', key: hex(a.writerKey) }],
    nodes: [{ name: 'a', ledger: a }]
  })
  t.ok(
    result.differences.some((d) =>
      d.startsWith(
        `a's final ledger (${a.finalLength} entries) differs from the writer logs at position ${copies[1].position}: the derivation from the writer logs differs; a has writer`
      )
    ),
    result.differences.join('; ')
  )
  const c = copies[0]
  t.alike(result.duplicates, [
    `a holds (writer ${c.writer.slice(0, 8)}, block ${c.writerPosition}, tx ${c.index}) twice: at ${c.position} and ${copies[1].position}`
  ])
})

test('replay - a writer log no node applied in full is named, with how much each applied', async (t) => {
  const { a, b, writers } = await ledger(t)
  const result = await replay({
    writers: [
      writers[0],
      { name: 'b', key: hex(b.writerKey), length: b.base.local.length + 1 },
      { name: 'ghost', key: 'ab'.repeat(32), length: 3 }
    ],
    nodes: [{ name: 'a', ledger: a }],
    settle: 0
  })
  t.alike(result.differences, [
    `b's log: ${b.base.local.length + 1} blocks, a's final ledger derives from ${b.base.local.length}`,
    "ghost's log: 3 blocks, a's final ledger derives from 0"
  ])
})
