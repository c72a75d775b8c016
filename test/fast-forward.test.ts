import test from 'brittle'
import { createNode, link, converged } from './helpers/nodes.js'
import {
  fastForwardMinimum,
  CATCH_UP_FAST_FORWARD_MINIMUM,
  LIVE_FAST_FORWARD_MINIMUM
} from '../lib/node/fast-forward.js'
import { countFastForwards, systemLength, writeUntil } from './helpers/system-blocks.js'

test('fast-forward - the threshold is low only while the signed state is further ahead than all the node applied', (t) => {
  t.is(fastForwardMinimum(0, 0), LIVE_FAST_FORWARD_MINIMUM, 'a new ledger, nothing signed ahead')
  t.is(fastForwardMinimum(0, 200), CATCH_UP_FAST_FORWARD_MINIMUM, 'a fresh node')
  t.is(fastForwardMinimum(400, 800), LIVE_FAST_FORWARD_MINIMUM, 'behind by exactly its history')
  t.is(fastForwardMinimum(400, 801), CATCH_UP_FAST_FORWARD_MINIMUM, 'behind by more')
  t.is(fastForwardMinimum(400, 300), LIVE_FAST_FORWARD_MINIMUM, 'ahead of the signed state')
})

test('fast-forward - a fresh follower of a ledger past the catch-up threshold jumps, and ends on the same final head', async (t) => {
  const a = await createNode(t)
  // Below the live threshold: a node that only ever had that one would replay all of it.
  await writeUntil(a, 800)
  t.ok(systemLength(a) < LIVE_FAST_FORWARD_MINIMUM)
  const b = await createNode(t, { key: a.key })
  const jumps = countFastForwards(b)
  link(a, b)
  const hash = await converged([a, b], { final: true, length: a.length })
  t.ok(jumps.count >= 1, `the follower fast-forwarded (${jumps.count})`)
  t.is((await b.head()).hash, hash)
  t.is((await a.head()).hash, hash)
})

// Falling behind under real load depends on how the 2 processes share the cores, so a cut link
// makes the gap instead: the policy sees only the two lengths, however the gap came about.
test('fast-forward - a live node behind by less than it applied replays; back from an outage longer than its history, it jumps', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  let cut = link(a, b)
  await writeUntil(a, 200)
  await converged([a, b], { final: true, length: a.length })
  const applied = systemLength(b)

  cut()
  await writeUntil(a, applied + 120)
  const jumps = countFastForwards(b)
  cut = link(a, b)
  const behind = await converged([a, b], { final: true, length: a.length })
  t.is(
    jumps.count,
    0,
    `behind by ${systemLength(a) - applied} of ${applied} system blocks: no jump`
  )
  t.is((await b.head()).hash, behind)

  cut()
  const history = systemLength(b)
  await writeUntil(a, 2 * history + 200)
  const gap = systemLength(a) - history
  t.ok(gap < LIVE_FAST_FORWARD_MINIMUM, 'a gap the live threshold alone would replay')
  cut = link(a, b)
  const back = await converged([a, b], { final: true, length: a.length })
  t.is(jumps.count, 1, `behind by ${gap} of ${history} system blocks: one jump`)
  t.is((await b.head()).hash, back)
  t.is((await a.head()).hash, back)
  cut()
})
