import test from 'brittle'
import b4a from 'b4a'
import type { LedgerNode } from '../lib/index.js'
import { createNode, link, converged } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'
import { replay } from './reliability/replay.js'
import type { ReadableLedger, EntryFields, ReplayOptions } from './reliability/replay.js'

const hex = (b: Uint8Array): string => b4a.toString(b, 'hex')

/** An indexer and a plain writer, both written to, all of it final on both. */
async function ledger(
  t: test.Test
): Promise<{ a: LedgerNode; b: LedgerNode; opts: Omit<ReplayOptions, 'nodes'> }> {
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
  const opts = {
    key: hex(a.key),
    writers: [
      { name: 'a', key: hex(a.writerKey) },
      { name: 'b', key: hex(b.writerKey) }
    ],
    reach: (fresh: LedgerNode) => {
      const cuts = [link(fresh, a), link(fresh, b)]
      return {
        cut: () => {
          for (const c of cuts) c()
        }
      }
    }
  }
  return { a, b, opts }
}

/** `node`'s ledger as another node would show it, with `change` applied to every entry (and to the head's hashes). */
function altered(node: LedgerNode, change: (e: EntryFields) => EntryFields): ReadableLedger {
  return {
    async head() {
      const h = await node.head()
      const last = async (length: number): Promise<string> =>
        length === 0
          ? ''
          : change((await node.entries({ gte: length - 1, limit: 1 })).items[0]).hash
      return {
        length: h.length,
        hash: await last(h.length),
        final: { length: h.final.length, hash: await last(h.final.length) }
      }
    },
    async entries(range) {
      const page = await node.entries(range)
      return { items: page.items.map(change), next: page.next }
    }
  }
}

test('replay - a fresh node replaying every writer log derives the final ledger of every node', async (t) => {
  const { a, b, opts } = await ledger(t)
  const result = await replay({
    ...opts,
    nodes: [
      { name: 'a', ledger: a },
      { name: 'b', ledger: b }
    ]
  })
  t.alike(result.differences, [], "the fresh derivation is every node's final ledger")
  t.alike(result.duplicates, [], 'no ledger holds a block twice')
  t.is(result.length, a.length, 'the fresh node derived the whole ledger')
})

test('replay - a node whose final ledger is not what the writer logs give is named with the first differing position', async (t) => {
  const { a, b, opts } = await ledger(t)
  const forked = altered(b, (e) => (e.position >= 9 ? { ...e, hash: 'f'.repeat(64) } : e))
  const result = await replay({
    ...opts,
    nodes: [
      { name: 'a', ledger: a },
      { name: 'b', ledger: forked }
    ]
  })
  t.is(result.differences.length, 1, result.differences.join('; '))
  t.ok(
    /^b is final at 17 .*differs from the writer logs at position 9: b has writer/.test(
      result.differences[0]
    ),
    'names b and position 9'
  )
})

test('replay - a ledger holding one block twice is reported with both positions', async (t) => {
  const { a, opts } = await ledger(t)
  const entries = (await a.entries({ gte: 0, limit: 100 })).items
  const copy = entries[11]
  // Entry 12 carries entry 11's block and index again (and so, like every later entry, another hash).
  const twice = altered(a, (e) =>
    e.position < 12
      ? e
      : {
          ...e,
          hash: 'e'.repeat(64),
          ...(e.position === 12
            ? { writer: copy.writer, writerPosition: copy.writerPosition, index: copy.index }
            : {})
        }
  )
  const result = await replay({ ...opts, nodes: [{ name: 'a', ledger: twice }] })
  t.alike(result.duplicates, [
    `a holds (writer ${copy.writer.slice(0, 8)}, block ${copy.writerPosition}, tx ${copy.index}) twice: at 11 and 12`
  ])
  t.ok(
    result.differences.some((p) => p.includes('differs from the writer logs at position 12')),
    'and its ledger differs from the replay there'
  )
})

test('replay - a writer log the fresh node can never get fails within the timeout, saying what is missing', async (t) => {
  const { a, opts } = await ledger(t)
  const started = Date.now()
  const result = await replay({
    ...opts,
    writers: [...opts.writers, { name: 'ghost', key: 'ab'.repeat(32) }],
    nodes: [{ name: 'a', ledger: a }],
    timeout: 2000
  })
  t.ok(Date.now() - started < 15_000, 'it does not hang')
  t.ok(
    result.differences.some((p) =>
      p.startsWith(
        "the fresh node did not hold and apply every writer's log within 2000 ms: ghost's log: 0 blocks seen"
      )
    ),
    result.differences.join('; ')
  )
})
