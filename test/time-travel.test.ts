import test from 'brittle'
import b4a from 'b4a'
import { LedgerNode } from '../lib/index.js'
import type { TxInput, LedgerError, Change } from '../lib/index.js'
import { createNode, link, mesh, converged, TEST_ACK_INTERVAL_MS } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { untilWritable } from './helpers/wait.js'
import { FORMAT_VERSION } from '../lib/ledger/limits.js'

/** What the state is after each prefix of the ledger, tracked while writing it (no reads of the node). */
interface Snapshot {
  records: Map<string, unknown>
  balances: Map<string, bigint>
  opened: Set<string>
  members: string[]
}

class Model {
  private records = new Map<string, unknown>()
  private balances = new Map<string, bigint>()
  private opened = new Set<string>()
  private members = new Set<string>()
  readonly snapshots = new Map<number, Snapshot>([[0, this.snapshot()]])

  constructor(creator: string, genesis = 1) {
    this.members.add(creator)
    this.snapshots.set(genesis, this.snapshot())
  }

  apply(tx: TxInput, position: number): void {
    switch (tx.type) {
      case 'put':
        this.records.set(tx.key, tx.value)
        break
      case 'del':
        this.records.delete(tx.key)
        break
      case 'open-account':
        this.opened.add(tx.account)
        break
      case 'mint':
        this.credit(tx.account, BigInt(tx.amount))
        break
      case 'transfer':
        this.credit(tx.from, -BigInt(tx.amount))
        this.credit(tx.to, BigInt(tx.amount))
        break
      case 'add-writer':
        this.members.add(hexOf(tx.key))
        break
      case 'remove-writer':
        this.members.delete(hexOf(tx.key))
        break
    }
    this.snapshots.set(position + 1, this.snapshot())
  }

  private credit(account: string, amount: bigint): void {
    this.balances.set(account, (this.balances.get(account) ?? 0n) + amount)
  }

  private snapshot(): Snapshot {
    return {
      records: new Map(this.records),
      balances: new Map(this.balances),
      opened: new Set(this.opened),
      members: [...this.members].sort()
    }
  }
}

function hexOf(key: unknown): string {
  return typeof key === 'string' ? key : b4a.toString(key as Uint8Array, 'hex')
}

/** Submit one transaction, wait for it to be accepted, and track it in the model. */
async function step(t: test.Test, node: LedgerNode, model: Model, tx: TxInput): Promise<number> {
  const { id } = await node.submit(tx)
  const entry = await node.waitForTransaction(id)
  t.is(entry.outcome, 'accepted', `${tx.type} accepted`)
  model.apply(tx, entry.position)
  return entry.position
}

const KEYS = ['x', 'y', 'gone']

/** Every record, balance and member as of every tracked position equals the model's. */
async function expectSnapshots(
  t: test.Test,
  node: LedgerNode,
  model: Model,
  accounts: string[],
  skipBelow = 0
): Promise<void> {
  let checked = 0
  for (const [at, want] of model.snapshots) {
    if (at !== 0 && at < skipBelow) continue
    for (const key of KEYS) {
      const got = await node.get(key, { at })
      t.alike(got?.value, want.records.get(key), `${key} as of ${at}`)
      if (got !== null) t.is(got.at, at, 'the answer names the position asked')
    }
    for (const account of accounts) {
      const got = await node.balance(account, { at })
      t.is(got.balance, want.balances.get(account) ?? 0n, `balance of ${account} as of ${at}`)
    }
    const members = await node.members({ at })
    t.alike(
      members.members.map((m) => m.key),
      want.members,
      `members as of ${at}`
    )
    t.is(members.final, at <= node.finalLength, 'final says whether the position is final')
    checked++
  }
  t.ok(checked >= 3, `${checked} positions checked`)
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'no error'
  } catch (err) {
    return (err as LedgerError).code
  }
}

test('time travel - records, balances and members as of every past position are what the prefix gives', async (t) => {
  const a = await createNode(t)
  const other = await createNode(t) // a key to add and remove; never connected
  const me = hexOf(a.writerKey)
  const model = new Model(me)
  await step(t, a, model, { type: 'put', key: 'x', value: 1 })
  await step(t, a, model, { type: 'put', key: 'gone', value: { deep: [1, 2] } })
  await step(t, a, model, { type: 'open-account', account: 'shop' })
  await step(t, a, model, { type: 'mint', account: me, amount: 100n })
  await step(t, a, model, { type: 'put', key: 'x', value: 'two' })
  await step(t, a, model, { type: 'transfer', from: me, to: 'shop', amount: 30n })
  await step(t, a, model, { type: 'del', key: 'gone' })
  await step(t, a, model, { type: 'add-writer', key: other.writerKey })
  await step(t, a, model, { type: 'transfer', from: 'shop', to: me, amount: 5n })
  await step(t, a, model, { type: 'put', key: 'y', value: null })
  await step(t, a, model, { type: 'remove-writer', key: other.writerKey })
  await step(t, a, model, { type: 'put', key: 'x', value: 3 })
  await converged([a], { final: true })

  t.is(
    (await a.status()).formatVersion,
    FORMAT_VERSION,
    "a new ledger starts at the release's format version"
  )
  t.is((await a.status()).historyFrom, 1, 'and keeps history from position 1')
  await expectSnapshots(t, a, model, [me, 'shop', 'nobody'])

  const deleted = await a.get('gone', { at: a.length })
  t.is(deleted, null, 'a deleted record is absent as of after its deletion')
  const now = await a.get('x')
  const asOfNow = await a.get('x', { at: a.length })
  t.alike(asOfNow?.value, now?.value, 'as of the length is the current value')
  t.is(asOfNow?.position, now?.position, 'set by the same entry')
  const balance = await a.balance('shop', { at: a.length })
  t.is(balance.position, (await a.balance('shop')).position, 'a balance names its last change')

  t.is(await code(a.get('x', { at: a.length + 1 })), 'INVALID_ARGUMENT', 'beyond the length')
  t.is(await code(a.get('x', { at: -1 })), 'INVALID_ARGUMENT', 'a negative position')
  t.is(await code(a.balance('shop', { at: 1.5 })), 'INVALID_ARGUMENT', 'not a whole number')
  t.is(await code(a.diff(5, 4)), 'INVALID_ARGUMENT', 'from after to')
  t.is(await code(a.diff(1, 4, { cursor: 9 })), 'INVALID_ARGUMENT', 'a cursor outside the range')
})

test('time travel - a diff lists exactly what differs between two positions, page by page', async (t) => {
  const a = await createNode(t)
  const me = hexOf(a.writerKey)
  const model = new Model(me)
  const txs: TxInput[] = [
    { type: 'put', key: 'x', value: 1 },
    { type: 'mint', account: me, amount: 50n },
    { type: 'put', key: 'y', value: 'a' },
    { type: 'put', key: 'x', value: 2 },
    { type: 'open-account', account: 'shop' },
    { type: 'transfer', from: me, to: 'shop', amount: 20n },
    { type: 'put', key: 'y', value: 'b' },
    { type: 'put', key: 'y', value: 'a' }, // back to what it was: no difference over a range spanning both
    { type: 'del', key: 'x' },
    { type: 'put', key: 'gone', value: true }
  ]
  for (const tx of txs) await step(t, a, model, tx)
  const positions = [...model.snapshots.keys()]
  let pairs = 0
  for (const from of positions) {
    for (const to of positions) {
      if (from > to) continue
      const want = expectedDiff(model.snapshots.get(from)!, model.snapshots.get(to)!)
      const limit = 1 + (pairs % 3)
      const got: Change[] = []
      let cursor: number | undefined
      let pages = 0
      for (;;) {
        const page = await a.diff(from, to, { cursor, limit })
        // A page never splits one entry's changes: a transfer's two accounts may exceed a limit of 1.
        t.ok(page.items.length <= Math.max(limit, 2), 'a page holds at most limit changes')
        got.push(...page.items)
        pages++
        if (page.next === null) break
        cursor = page.next
      }
      t.alike(
        got.map(describe).sort(),
        want.sort(),
        `diff ${from}..${to} (limit ${limit}, ${pages} pages)`
      )
      pairs++
    }
  }
  t.absent(
    (await a.diff(1, a.length)).items.find((c) => c.key === 'x'),
    'x, put and deleted in between, does not differ'
  )
  const page = await a.diff(2, a.length)
  const x = page.items.find((c) => c.kind === 'record' && c.key === 'x')
  t.alike(x, { kind: 'record', key: 'x', from: { value: 1 }, to: null, position: 9 }, 'x, deleted')
  const shop = page.items.find((c) => c.kind === 'account' && c.key === 'shop')
  t.alike(
    shop,
    {
      kind: 'account',
      key: 'shop',
      from: { balance: 0n, owners: [] },
      to: { balance: 20n, owners: [me] },
      position: 6
    },
    'an account with its balance and owners at both ends'
  )
  t.is(page.final, a.length <= a.finalLength)
})

/** The model's differences, as `describe` prints a change. */
function expectedDiff(from: Snapshot, to: Snapshot): string[] {
  const out: string[] = []
  for (const key of new Set([...from.records.keys(), ...to.records.keys()])) {
    const was = from.records.has(key) ? JSON.stringify(from.records.get(key)) : 'absent'
    const is = to.records.has(key) ? JSON.stringify(to.records.get(key)) : 'absent'
    if (was !== is) out.push(`r ${key} ${was} -> ${is}`)
  }
  for (const account of new Set([...from.balances.keys(), ...to.balances.keys()])) {
    const was = from.balances.get(account) ?? 0n
    const is = to.balances.get(account) ?? 0n
    if (was !== is) out.push(`a ${account} ${was} -> ${is}`)
  }
  for (const account of to.opened) {
    const same = (from.balances.get(account) ?? 0n) === (to.balances.get(account) ?? 0n)
    if (!from.opened.has(account) && same) out.push(`a ${account} owners`)
  }
  return out
}

function describe(change: Change): string {
  if (change.kind === 'record') {
    const was = change.from === null ? 'absent' : JSON.stringify(change.from.value)
    const is = change.to === null ? 'absent' : JSON.stringify(change.to.value)
    return `r ${change.key} ${was} -> ${is}`
  }
  if (change.from.balance === change.to.balance) return `a ${change.key} owners`
  return `a ${change.key} ${change.from.balance} -> ${change.to.balance}`
}

test('time travel - a ledger at format version 1 keeps history only from the set-version 2 on', async (t) => {
  const dir = await tmpdir(t)
  let a = new LedgerNode({ storage: dir, ackInterval: TEST_ACK_INTERVAL_MS, formatVersion: 1 })
  await a.ready()
  const me = hexOf(a.writerKey)
  const model = new Model(me)
  const other = await createNode(t)
  await step(t, a, model, { type: 'put', key: 'x', value: 'old' })
  await step(t, a, model, { type: 'put', key: 'y', value: 'kept' })
  await step(t, a, model, { type: 'mint', account: me, amount: 10n })
  await step(t, a, model, { type: 'add-writer', key: other.writerKey })
  t.is((await a.status()).formatVersion, 1, 'an older release starts the ledger at version 1')
  t.is((await a.status()).historyFrom, null, 'with no history')
  t.is(await code(a.get('x', { at: 2 })), 'HISTORY_UNAVAILABLE', 'no history at version 1')
  await a.close()

  a = new LedgerNode({ storage: dir, ackInterval: TEST_ACK_INTERVAL_MS }) // this release
  t.teardown(() => a.close())
  await a.ready()
  const upgrade = await step(t, a, model, { type: 'set-version', format: 2 })
  const start = upgrade + 1
  t.is((await a.status()).historyFrom, start, 'history starts after the set-version 2')
  await step(t, a, model, { type: 'put', key: 'x', value: 'new' })
  await step(t, a, model, { type: 'transfer', from: me, to: hexOf(other.writerKey), amount: 4n })
  await step(t, a, model, { type: 'remove-writer', key: other.writerKey })
  await step(t, a, model, { type: 'put', key: 'gone', value: 1 })
  await step(t, a, model, { type: 'del', key: 'gone' })

  t.is(await code(a.get('x', { at: upgrade })), 'HISTORY_UNAVAILABLE', 'before history starts')
  t.is(await code(a.members({ at: 1 })), 'HISTORY_UNAVAILABLE', 'members too')
  t.is(await code(a.diff(1, start)), 'HISTORY_UNAVAILABLE', 'a diff from before it')
  t.is(await a.get('x', { at: 0 }), null, 'the empty state is always known')
  await expectSnapshots(t, a, model, [me, hexOf(other.writerKey)], start)
  const diff = await a.diff(start, a.length)
  t.alike(
    diff.items.map(describe).sort(),
    expectedDiff(model.snapshots.get(start)!, model.snapshots.get(a.length)!).sort(),
    'a diff from the start of history'
  )
})

test('time travel - every node derives the same history keys', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  const c = await createNode(t, { key: a.key })
  mesh([a, b, c])
  await a.submit({ type: 'add-writer', key: b.writerKey, indexer: true })
  await untilWritable(b)
  const writes = []
  for (let i = 0; i < 20; i++) {
    writes.push(a.submit({ type: 'put', key: `k${i % 5}`, value: i }))
    writes.push(b.submit({ type: 'put', key: `k${i % 3}`, value: -i }))
  }
  await Promise.all(writes)
  const hash = await converged([a, b, c], { final: true, length: 42 })
  t.ok(hash, 'one head hash on all three')
  const states = await Promise.all([a, b, c].map(stateOf))
  const history = states[0].filter((line) =>
    line.startsWith(b4a.toString(b4a.from('hist/'), 'hex'))
  )
  t.ok(history.length >= 40, `${history.length} history keys`)
  t.alike(states[1], states[0], 'b holds the same state keys and values as a')
  t.alike(states[2], states[0], 'c holds the same state keys and values as a')
  const length = a.length
  for (const at of [2, 10, 30, length]) {
    const answers = await Promise.all([a, b, c].map((n) => n.get('k1', { at })))
    t.alike(answers[1], answers[0], `b reads k1 as of ${at} as a does`)
    t.alike(answers[2], answers[0], `c reads k1 as of ${at} as a does`)
  }
})

/** Every state key and value, in hex. */
async function stateOf(node: LedgerNode): Promise<string[]> {
  const lines: string[] = []
  for await (const n of node.base.view.state.createReadStream())
    lines.push(
      b4a.toString(n.key, 'hex') + '=' + (n.value === null ? '' : b4a.toString(n.value, 'hex'))
    )
  return lines
}

test('time travel - an answer as of a position past the final length is not final', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  const cut = link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey }) // a writer, not an indexer
  await untilWritable(b)
  await converged([a, b], { final: true })
  cut()
  const { id } = await b.submit({ type: 'put', key: 'x', value: 'offline' })
  const entry = await b.waitForTransaction(id)
  const at = entry.position + 1
  const answer = await b.get('x', { at })
  t.alike(answer?.value, 'offline', 'b reads its own write as of after it')
  t.is(answer?.final, false, 'not final: the indexer has not seen it')
  t.is((await b.members({ at })).final, false, 'members as of it neither')
  t.is(
    (await b.balance(hexOf(b.writerKey), { at: at - 1 })).final,
    true,
    'as of before it is final'
  )
})

test('time travel - a release held to format 1 reads a new ledger up to its set-version 2, then stops', async (t) => {
  const a = await createNode(t)
  const old = await createNode(t, { key: a.key, formatVersion: 1 })
  const stopped = new Promise<string>((resolve) => old.once('upgrade-required', resolve))
  link(a, old)
  t.ok(await stopped, 'it asks for an upgrade')
  t.is(old.length, 0, 'it recorded nothing: the genesis block and transaction decoded as version 1')
  t.is((await old.status()).formatVersion, 1)
})

test('time travel - reads per answer: a range read or two, whatever the length of the ledger', async (t) => {
  const a = await createNode(t)
  const me = hexOf(a.writerKey)
  await a.submit({ type: 'open-account', account: 'shop' })
  for (let i = 0; i < 30; i++) {
    await a.submit([
      { type: 'put', key: 'x', value: i },
      { type: 'mint', account: me, amount: 10n },
      { type: 'transfer', from: me, to: 'shop', amount: 1n }
    ])
  }
  const last = await a.submit({ type: 'put', key: 'y', value: 'end' })
  await a.waitForTransaction(last.id)
  const reads = countReads(a)
  const at = 50

  reads.reset()
  t.ok(await a.get('x', { at }))
  t.alike(
    reads.count(),
    { lookups: 1, ranges: 1, entries: 0 },
    'get: where history starts, one range'
  )
  reads.reset()
  await a.balance('shop', { at })
  t.alike(reads.count(), { lookups: 1, ranges: 1, entries: 0 }, 'balance: the same')
  reads.reset()
  t.is(await a.get('y', { at }), null)
  t.alike(
    reads.count(),
    { lookups: 2, ranges: 1, entries: 0 },
    'absent: one more lookup, of the live key'
  )
  reads.reset()
  await a.members({ at })
  t.alike(reads.count(), { lookups: 1, ranges: 2, entries: 0 }, 'members: two ranges')
  reads.reset()
  const diff = await a.diff(at, at + 9)
  t.is(diff.items.length, 3, 'x, the writer account and shop')
  t.alike(
    reads.count(),
    { lookups: 2, ranges: 6, entries: 9 },
    'diff: one read per entry, two per change'
  )
})

/** Count the reads of a node's views: key lookups and range reads of the state, entries of the log. */
function countReads(node: LedgerNode): {
  reset(): void
  count(): { lookups: number; ranges: number; entries: number }
} {
  const { state, log } = node.base.view
  let counts = { lookups: 0, ranges: 0, entries: 0 }
  const get = state.get.bind(state)
  const range = state.createReadStream.bind(state)
  const entry = log.get.bind(log)
  state.get = (key) => {
    counts.lookups++
    return get(key)
  }
  state.createReadStream = (opts) => {
    counts.ranges++
    return range(opts)
  }
  log.get = ((index: number, opts?: unknown) => {
    counts.entries++
    return entry(index, opts as never)
  }) as typeof log.get
  return {
    reset: () => {
      counts = { lookups: 0, ranges: 0, entries: 0 }
    },
    count: () => counts
  }
}

test('time travel - a diff page reads at most 10,000 entries: a page may be empty and still say where to go on', async (t) => {
  const a = await createNode(t)
  const batches = []
  for (let b = 0; b < 11; b++)
    batches.push(
      a.submit(
        Array.from({ length: 1000 }, (_, i) => ({
          type: 'put' as const,
          key: 'x',
          value: b * 1000 + i
        }))
      )
    )
  const receipts = (await Promise.all(batches)).flat()
  await a.waitForTransaction(receipts[receipts.length - 1].id)
  await a.submit({ type: 'put', key: 'late', value: true }).then((r) => a.waitForTransaction(r.id))
  const to = a.length
  const first = await a.diff(1, to)
  t.alike(
    first.items.map((c) => c.key),
    ['x'],
    'the first page: x, first changed at 1'
  )
  t.is(first.next, 10_001, 'it stopped after 10,000 entries')
  const second = await a.diff(1, to, { cursor: first.next! })
  t.alike(
    second.items.map((c) => c.key),
    ['late'],
    'the second page: only what was first changed after the first page'
  )
  t.is(second.next, null)
  const fromTwo = await a.diff(2, to - 1, { cursor: 2 })
  t.is(fromTwo.items.length, 1, 'x again, from 2: its change at 2 is its first after 2')
  const none = await a.diff(2, to - 1, { cursor: 10_002 })
  t.alike([none.items, none.next], [[], null], 'a page with nothing new in it')
  const middle = await a.diff(3, to, { cursor: 3 })
  t.is(middle.next, 10_003, 'pages go on by entries read, whatever they found')
})
