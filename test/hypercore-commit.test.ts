import test from 'brittle'
import b4a from 'b4a'
import Corestore from 'corestore'
import { tmpdir } from './helpers/temp.js'

/** Blocks per storage read in the patched commit (OVERWRITE_READ_BLOCKS in .patches/hypercore+11.37.1.patch). */
const READ_BLOCKS = 16384
/** Two commits of this many blocks each: two read ranges each, the second commit's not starting at 0. */
const COMMIT_BLOCKS = 20_000
/** V8 rejects a Promise.all over more elements than this. */
const PROMISE_ALL_LIMIT = 2 ** 21 - 1

// Unpatched hypercore 11.37.1 read every committed block and its two tree nodes in one
// Promise.all: a session of 1,048,576 blocks or more could not be committed (autobase commits a
// follower's whole view at once when it replays a long ledger), and here it passed 40,000 elements.
test(
  'hypercore - committing a session reads its blocks a bounded range at a time, and the core holds them',
  { timeout: 120_000 },
  async (t) => {
    const store = new Corestore(await tmpdir(t, 'hypercore-commit'))
    t.teardown(() => store.close())
    const core = store.get({ name: 'view' })
    await core.ready()
    const session = store.get({ name: 'view' }).session({ name: 'batch' })
    await session.ready()
    t.teardown(() => session.close())

    const largest = largestPromiseAll(t)
    for (let commit = 1; commit <= 2; commit++) {
      await appendNumbered(session, session.length, COMMIT_BLOCKS)
      const committed = await core.commit(session)
      t.is(
        committed?.length,
        commit * COMMIT_BLOCKS,
        `commit ${commit}: the core holds the session's length`
      )
    }
    t.ok(
      largest() <= 2 * READ_BLOCKS,
      `no Promise.all over more than a range's tree nodes (largest: ${largest()}), so no commit reaches V8's ${PROMISE_ALL_LIMIT}`
    )
    t.alike(await core.treeHash(), await session.treeHash(), 'the same Merkle tree as the session')
    const wrong: number[] = []
    for (let i = 0; i < core.length; i++)
      if (!b4a.equals((await core.get(i))!, block(i))) wrong.push(i)
    t.alike(wrong, [], 'every block as appended')
  }
)

function block(i: number): Uint8Array {
  return b4a.from(String(i))
}

async function appendNumbered(
  session: { append(blocks: Uint8Array[]): Promise<unknown> },
  from: number,
  count: number
): Promise<void> {
  for (let i = from; i < from + count; i += 4096) {
    const blocks: Uint8Array[] = []
    for (let j = i; j < Math.min(from + count, i + 4096); j++) blocks.push(block(j))
    await session.append(blocks)
  }
}

/** Records the length of every array passed to Promise.all until the test ends; returns the largest so far. */
function largestPromiseAll(t: test.Test): () => number {
  const all = Promise.all.bind(Promise)
  let largest = 0
  Promise.all = ((values: unknown) => {
    if (Array.isArray(values)) largest = Math.max(largest, values.length)
    return all(values as unknown[])
  }) as typeof Promise.all
  t.teardown(() => {
    Promise.all = all
  })
  return () => largest
}
