import test from 'brittle'
import { Random, testSeed } from './helpers/random.js'
import b4a from 'b4a'
import { LedgerError } from '../lib/index.js'
import type { LedgerNode, Entry } from '../lib/index.js'
import { encodeTx } from '../lib/ledger/tx.js'
import type { Tx, TxBody } from '../lib/ledger/tx.js'
import { encodeBlock, decodeBlock } from '../lib/ledger/block.js'
import { openEntry, digest } from '../lib/ledger/entry.js'
import { reasonTag } from '../lib/ledger/outcome.js'
import type { RejectReason } from '../lib/ledger/outcome.js'
import { keys, values, decodeValue } from '../lib/ledger/layout.js'
import {
  FORMAT_VERSION,
  MAX_AMOUNT,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_TXS,
  MAX_TX_BYTES,
  MAX_VALUE_BYTES
} from '../lib/ledger/limits.js'
import { createNode, link, converged } from './helpers/nodes.js'
import { rawTx } from './helpers/raw-tx.js'
import type { RawTx } from './helpers/raw-tx.js'
import { STEP_TIMEOUT_MS as WAIT_MS } from './helpers/timeouts.js'
import { untilWritable, within } from './helpers/wait.js'

/** A format version above this release's: what a newer release would write. */
const FUTURE = FORMAT_VERSION + 1

const hex = (b: Uint8Array): string => b4a.toString(b, 'hex')

// ---------------------------------------------------------------------------------------------
// Fixture: an admin (creator, only indexer) and a second member with the plain writer role,
// linked in-process. Hostile bytes go straight into the writer's autobase log with
// `base.append`, bypassing submit() and its checks.
// ---------------------------------------------------------------------------------------------

interface Pair {
  admin: LedgerNode
  writer: LedgerNode
  rnd: Random
  /** 'error' events from either node: must stay empty. */
  errors: Error[]
  adminAccount: string
  writerAccount: string
  /** Cut the link between the two nodes. */
  apart: () => void
  /** Link them again. */
  together: () => void
}

async function createPair(t: test.Test): Promise<Pair> {
  const seed = testSeed(t)
  const admin = await createNode(t)
  const writer = await createNode(t, { key: admin.key })
  const errors: Error[] = []
  admin.on('error', (err) => errors.push(err))
  writer.on('error', (err) => errors.push(err))
  let cut = link(admin, writer)
  t.teardown(() => cut(), { order: -1 })
  const p: Pair = {
    admin,
    writer,
    rnd: new Random(seed),
    errors,
    adminAccount: hex(admin.writerKey),
    writerAccount: hex(writer.writerKey),
    apart: () => cut(),
    together: () => {
      cut()
      cut = link(admin, writer)
    }
  }
  await admin.submit({ type: 'add-writer', key: writer.writerKey, role: 'writer' })
  await untilWritable(writer, WAIT_MS)
  // Value to steal: the admin's own account, a named account the admin opened, and a little for the writer.
  const [, , , last] = await admin.submit([
    { type: 'mint', account: p.adminAccount, amount: 1000n },
    { type: 'open-account', account: 'treasury' },
    { type: 'mint', account: 'treasury', amount: 500n },
    { type: 'mint', account: p.writerAccount, amount: 100n }
  ])
  await writer.waitForTransaction(last.id, { timeout: WAIT_MS })
  return p
}

/** A hand-built transaction (version 1 unless given) with a fresh id from the seeded PRNG. */
function tx(rnd: Random, body: TxBody, version = 1): RawTx {
  return rawTx(rnd, body, { version })
}

/** A block of `txs` whose version byte says `version` (the block layout is version 1's). */
function blockOfVersion(version: number, txs: Uint8Array[]): Uint8Array {
  const block = encodeBlock(txs)
  block[0] = version
  return block
}

function goodPut(
  rnd: Random,
  key = 'ok-' + hex(rnd.bytes(4))
): { id: Uint8Array; bytes: Uint8Array; key: string } {
  return { ...tx(rnd, { type: 'put', key, value: '"fine"' }), key }
}

/** Append raw bytes as one autobase node of `node`'s log; returns the block's position in that log. */
async function appendRaw(node: LedgerNode, bytes: Uint8Array): Promise<number> {
  await node.base.append(bytes)
  // An indexer's acks land in the same log at any time: find the block by its bytes, newest first.
  // (Autobase stores an empty value as null, like an ack: only non-indexers append empty blocks here.)
  for (let seq = node.base.local.length - 1; seq >= 0; seq--) {
    const { node: oplog } = (await node.base.local.get(seq)) as unknown as {
      node: { value: Uint8Array | null }
    }
    if (oplog.value === null ? bytes.byteLength === 0 : b4a.equals(oplog.value, bytes)) return seq
  }
  throw new Error('the appended block is not in the local log')
}

/** Wait until `node` has recorded `count` entries for block `writerSeq` of `author`; sorted by index. */
async function entriesOf(
  node: LedgerNode,
  author: LedgerNode,
  writerSeq: number,
  count: number
): Promise<Entry[]> {
  const writer = hex(author.writerKey)
  return node.waitUntil(
    async () => {
      const page = await node.entries({ reverse: true, limit: 1000 })
      const found = page.items.filter((e) => e.writer === writer && e.writerPosition === writerSeq)
      return found.length >= count ? found.sort((a, b) => a.index - b.index) : null
    },
    WAIT_MS,
    `${count} entries of block ${writerSeq}`
  )
}

/** Append `bytes` raw from `from` and return the entries its block produced (as `from` sees them). */
async function feed(
  from: LedgerNode,
  bytes: Uint8Array,
  count: number
): Promise<{ seq: number; entries: Entry[] }> {
  const seq = await appendRaw(from, bytes)
  return { seq, entries: await entriesOf(from, from, seq, count) }
}

interface Expect {
  reason: RejectReason | null
  /** The transaction id, or null for a whole-block rejection (or a tx too short to carry one). */
  id?: Uint8Array | null
  /** Digest the entry must carry: of the tx bytes, or of the whole block for block-level rejections. */
  digestOf?: Uint8Array
}

function expectEntry(t: test.Test, entry: Entry | undefined, want: Expect, what: string): void {
  if (entry === undefined) return t.fail(`${what}: no entry`)
  t.is(entry.reason, want.reason, `${what}: ${want.reason ?? 'accepted'}`)
  t.is(entry.outcome, want.reason === null ? 'accepted' : 'rejected', `${what}: outcome`)
  if (want.id !== undefined) t.is(entry.id, want.id === null ? null : hex(want.id), `${what}: id`)
  if (want.digestOf !== undefined) t.is(entry.digest, hex(digest(want.digestOf)), `${what}: digest`)
}

/**
 * After hostile input: both nodes still accept new work, saw no 'error', reach the same head hash,
 * recorded the checked block identically (raw outcome tags included), and conserve value.
 */
async function settle(
  t: test.Test,
  p: Pair,
  checked: { author: LedgerNode; seq: number; entries: Entry[] }[] = []
): Promise<void> {
  const { admin, writer } = p
  const [w, a] = [goodPut(p.rnd), goodPut(p.rnd)]
  await appendRaw(writer, encodeBlock([w.bytes]))
  const { id: adminId } = await admin.submit({ type: 'put', key: a.key, value: 'fine' })
  t.is(
    (await writer.waitForTransaction(w.id, { timeout: WAIT_MS })).outcome,
    'accepted',
    'the writer keeps applying: a later good tx is accepted'
  )
  t.is(
    (await admin.waitForTransaction(adminId, { timeout: WAIT_MS })).outcome,
    'accepted',
    'the admin keeps applying: a later good tx is accepted'
  )
  const hash = await converged([admin, writer], { timeout: WAIT_MS })
  const heads = await Promise.all([admin.head(), writer.head()])
  t.alike(
    heads.map((h) => h.hash),
    [hash, hash],
    'both nodes end with the identical head hash'
  )
  for (const { author, seq, entries } of checked) {
    const there = await entriesOf(admin, author, seq, entries.length)
    t.alike(
      there.map((e) => [e.index, e.reason, e.digest]),
      entries.map((e) => [e.index, e.reason, e.digest]),
      'the other node recorded the same outcomes'
    )
    const raw = await Promise.all(
      there.map(
        async (e) => openEntry((await admin.base.view.log.get(e.position)) as Buffer).outcome
      )
    )
    t.alike(
      raw,
      there.map((e) => (e.reason === null ? 0 : reasonTag(e.reason as RejectReason))),
      'the stored outcome tags are the reason codes'
    )
  }
  t.alike(p.errors.map(String), [], "no 'error' event fired")
  for (const node of [admin, writer]) {
    const [sum, status] = await Promise.all([sumOfBalances(node), node.status()])
    t.is(sum.toString(), status.supply, 'value is conserved: the balances sum to the supply')
  }
}

/** Sum every account in the state view (not just the ones a test knows about). */
async function sumOfBalances(node: LedgerNode): Promise<bigint> {
  const prefix = keys.account('')
  const end = b4a.from(prefix)
  end[end.byteLength - 1]++
  let sum = 0n
  for await (const { value } of node.base.view.state.createReadStream({ gte: prefix, lt: end })) {
    if (value !== null) sum += decodeValue(values.account, value).balance
  }
  return sum
}

// ---------------------------------------------------------------------------------------------
// The hostile cases. Each is run on a fresh pair (one test each) and then all of them in a row
// on one pair (the hostile run), so each must hold whatever ran before it.
// ---------------------------------------------------------------------------------------------

type Case = (t: test.Test, p: Pair) => Promise<void>

const CASES: Record<string, Case> = {
  async 'applies invites: who may record them, and every way an add-writer by one is refused'(
    t,
    p
  ) {
    const [id1, id2, id3] = [p.rnd.bytes(32), p.rnd.bytes(32), p.rnd.bytes(32)]
    const [w1, w2, w3] = [p.rnd.bytes(32), p.rnd.bytes(32), p.rnd.bytes(32)]
    const at = (timestamp: number, body: TxBody): RawTx => {
      const id = p.rnd.bytes(16)
      return { id, bytes: encodeTx({ version: 3, id, timestamp, ...body } as Tx) }
    }
    const invite = (id: Uint8Array, grant: Partial<TxBody>, uses = 1, expires = 1000): TxBody =>
      ({
        type: 'add-invite',
        invite: id,
        key: p.rnd.bytes(32),
        role: 'writer',
        indexer: false,
        expires,
        uses,
        ...grant
      }) as TxBody
    const byInvite = (
      key: Uint8Array,
      id: Uint8Array,
      role: 'admin' | 'writer' = 'writer'
    ): TxBody => ({ type: 'add-writer', key, role, indexer: false, invite: id }) as TxBody
    const downgraded = (raw: RawTx): RawTx => {
      const bytes = b4a.from(raw.bytes)
      bytes[0] = 1 // the invite era's tags and flags under the first version byte
      return { id: raw.id, bytes }
    }
    const cases: [RawTx, RejectReason | null, string][] = [
      [at(0, invite(id1, {})), null, 'an admin records an invite'],
      [at(0, invite(id1, {})), 'INVITE_EXISTS', 'the same id again'],
      [at(1000, byInvite(w1, id1)), null, 'an add-writer by it, at its expiry'],
      [at(0, byInvite(w2, id1)), 'INVITE_USED', 'a second use of a single-use invite'],
      [at(0, invite(id2, { role: 'admin' }, 2, 5000)), null, 'an admin invite for two'],
      [at(0, byInvite(w2, id2)), 'INVITE_MISMATCH', 'an add-writer granting less than the invite'],
      [
        at(5001, byInvite(w2, id2, 'admin')),
        'INVITE_EXPIRED',
        'an add-writer stamped after the expiry'
      ],
      [at(0, { type: 'revoke-invite', invite: id2 } as TxBody), null, 'a revocation'],
      [
        at(0, { type: 'revoke-invite', invite: id2 } as TxBody),
        'INVITE_REVOKED',
        'a second revocation'
      ],
      [at(0, byInvite(w2, id2, 'admin')), 'INVITE_REVOKED', 'an add-writer by a revoked invite'],
      [
        at(0, { type: 'revoke-invite', invite: id3 } as TxBody),
        'UNKNOWN_INVITE',
        'revoking an unknown id'
      ],
      [at(0, byInvite(w3, id3)), 'UNKNOWN_INVITE', 'an add-writer by an unknown id'],
      [at(0, invite(id3, {}, 0)), 'INVALID_INVITE', 'an invite of no uses'],
      [downgraded(at(0, invite(id3, {}))), 'UNKNOWN_TYPE', 'an invite under version byte 1'],
      [
        downgraded(at(0, byInvite(w3, id1))),
        'BAD_ENCODING',
        'an add-writer by invite under version byte 1'
      ]
    ]
    const fed = await feed(p.admin, encodeBlock(cases.map(([raw]) => raw.bytes)), cases.length)
    for (const [i, [raw, reason, what]] of cases.entries())
      expectEntry(t, fed.entries[i], { reason, id: raw.id }, what)
    const byWriter = at(0, invite(id3, {}))
    const denied = await feed(p.writer, encodeBlock([byWriter.bytes]), 1)
    expectEntry(
      t,
      denied.entries[0],
      { reason: 'NOT_AUTHORIZED', id: byWriter.id },
      'a writer records an invite'
    )
    const invites = await p.admin.invites()
    t.alike(
      invites.map((i) => [i.id, i.used, i.revokedAt !== null]).sort(),
      [
        [hex(id1), 1, false],
        [hex(id2), 0, true]
      ].sort(),
      'the state counts the use and keeps the revocation'
    )
    const members = (await p.admin.members()).map((m) => m.key)
    t.ok(
      members.includes(hex(w1)) && !members.includes(hex(w2)),
      'only the admitted writer is a member'
    )
    await settle(t, p, [
      { author: p.admin, ...fed },
      { author: p.writer, ...denied }
    ])
  },

  async 'skips an empty block on every node, as peers cannot tell it from an ack'(t, p) {
    // Autobase stores an empty value as null, which is what an indexer's ack carries: only the
    // author ever sees the empty bytes, so recording them would fork the author's ledger.
    const seq = await appendRaw(p.writer, b4a.alloc(0))
    t.is(p.writer.base.local.length, seq + 1, 'the empty block is in the writer log')
    await settle(t, p) // the writer's later blocks are applied, so this one has been too
    for (const node of [p.writer, p.admin]) {
      const page = await node.entries({ reverse: true, limit: 1000 })
      t.is(
        page.items.filter((e) => e.writer === p.writerAccount && e.writerPosition === seq).length,
        0,
        'no entry for it'
      )
    }
  },

  async 'records random garbage as BAD_ENCODING, or VERSION_NOT_ACTIVE when its first byte is above the active version 2'(
    t,
    p
  ) {
    let garbage: Uint8Array
    do {
      garbage = p.rnd.bytes(1 + p.rnd.int(400))
      garbage[0] = 1
    } while (decodeBlock(garbage).ok)
    const bad = await feed(p.writer, garbage, 1)
    expectEntry(
      t,
      bad.entries[0],
      { reason: 'BAD_ENCODING', id: null, digestOf: garbage },
      'garbage with version byte 1'
    )
    const later = p.rnd.bytes(1 + p.rnd.int(400))
    later[0] = FUTURE + p.rnd.int(256 - FUTURE)
    const future = await feed(p.writer, later, 1)
    expectEntry(
      t,
      future.entries[0],
      { reason: 'VERSION_NOT_ACTIVE', id: null, digestOf: later },
      `garbage with version byte ${later[0]}`
    )
    await settle(t, p, [
      { author: p.writer, ...bad },
      { author: p.writer, ...future }
    ])
  },

  async 'rejects a block with version byte 0 whole'(t, p) {
    const put = goodPut(p.rnd)
    const block = blockOfVersion(0, [put.bytes])
    const fed = await feed(p.writer, block, 1)
    expectEntry(
      t,
      fed.entries[0],
      { reason: 'BAD_ENCODING', id: null, digestOf: block },
      'version-0 block'
    )
    t.is(await p.writer.get(put.key), null, 'its transaction was not applied')
    const retry = await feed(p.writer, encodeBlock([put.bytes]), 1)
    expectEntry(
      t,
      retry.entries[0],
      { reason: null, id: put.id },
      'the same tx in a proper block: its id was not used up'
    )
    await settle(t, p, [{ author: p.writer, ...fed }])
  },

  async 'rejects a block whose version is above the active one whole'(t, p) {
    const put = goodPut(p.rnd)
    const block = blockOfVersion(FUTURE, [put.bytes])
    const fed = await feed(p.writer, block, 1)
    expectEntry(
      t,
      fed.entries[0],
      { reason: 'VERSION_NOT_ACTIVE', id: null, digestOf: block },
      'future-version block'
    )
    t.is(await p.writer.get(put.key), null, 'its transaction was not applied')
    t.is(await p.writer.transaction(put.id), null, 'its transaction id was not recorded')
    await settle(t, p, [{ author: p.writer, ...fed }])
  },

  async 'rejects a block of more than MAX_BLOCK_TXS transactions whole'(t, p) {
    // Small under the byte bound, but one entry per transaction would amplify one block into thousands.
    const block = encodeBlock(Array.from({ length: MAX_BLOCK_TXS + 1 }, () => new Uint8Array(0)))
    t.ok(
      block.byteLength < MAX_BLOCK_BYTES && decodeBlock(block).ok,
      `a decodable block of ${MAX_BLOCK_TXS + 1} transactions`
    )
    const fed = await feed(p.writer, block, 1)
    expectEntry(
      t,
      fed.entries[0],
      { reason: 'TOO_LARGE', id: null, digestOf: block },
      'block with too many transactions'
    )
    await settle(t, p, [{ author: p.writer, ...fed }])
  },

  async 'rejects a block larger than MAX_BLOCK_BYTES whole'(t, p) {
    // Well-formed and full of valid puts: only its size is wrong.
    const value = JSON.stringify('v'.repeat(MAX_VALUE_BYTES - 2))
    const puts: Array<{ bytes: Uint8Array; key: string }> = []
    let size = 0
    while (size <= MAX_BLOCK_BYTES) {
      const key = 'big-' + hex(p.rnd.bytes(4))
      const put = tx(p.rnd, { type: 'put', key, value })
      puts.push({ ...put, key })
      size += put.bytes.byteLength + 3
    }
    const block = encodeBlock(puts.map((x) => x.bytes))
    t.ok(
      block.byteLength > MAX_BLOCK_BYTES && decodeBlock(block).ok,
      `a decodable block of ${block.byteLength} bytes`
    )
    const fed = await feed(p.writer, block, 1)
    expectEntry(
      t,
      fed.entries[0],
      { reason: 'TOO_LARGE', id: null, digestOf: block },
      'oversized block'
    )
    t.is(fed.entries[0]?.tx, null, 'its bytes are not kept')
    t.is(await p.writer.get(puts[0].key), null, 'none of its transactions was applied')
    await settle(t, p, [{ author: p.writer, ...fed }])
  },

  async 'rejects unknown type tags and inactive tx versions inside a valid block'(t, p) {
    const [first, last] = [goodPut(p.rnd), goodPut(p.rnd)]
    const unknown = goodPut(p.rnd)
    const unknownBytes = b4a.from(unknown.bytes)
    unknownBytes[17] = 0xfc // the type tag follows version (1) and id (16)
    const future = tx(p.rnd, { type: 'put', key: 'from-the-future', value: '1' }, FUTURE)
    const fed = await feed(
      p.writer,
      encodeBlock([first.bytes, unknownBytes, future.bytes, last.bytes]),
      4
    )
    expectEntry(t, fed.entries[0], { reason: null, id: first.id }, 'good tx before')
    expectEntry(
      t,
      fed.entries[1],
      { reason: 'UNKNOWN_TYPE', id: unknown.id, digestOf: unknownBytes },
      'unknown type tag'
    )
    expectEntry(
      t,
      fed.entries[2],
      { reason: 'VERSION_NOT_ACTIVE', id: future.id },
      'future tx version'
    )
    expectEntry(t, fed.entries[3], { reason: null, id: last.id }, 'good tx after')
    t.is(await p.writer.get('from-the-future'), null)
    await settle(t, p, [{ author: p.writer, ...fed }])
  },

  async 'rejects truncated and malformed transactions inside a valid block'(t, p) {
    const [first, last] = [goodPut(p.rnd), goodPut(p.rnd)]
    const cutField = goodPut(p.rnd)
    const truncated = cutField.bytes.subarray(0, cutField.bytes.byteLength - 3) // inside the value
    const stub = p.rnd.bytes(10) // shorter than a header: no id to record
    const trailing = goodPut(p.rnd)
    const withTrailing = b4a.concat([trailing.bytes, b4a.from([0])])
    const utf8 = tx(p.rnd, { type: 'put', key: 'kk', value: '1' })
    const badUtf8 = b4a.from(utf8.bytes)
    badUtf8[badUtf8.byteLength - 4] = 0xff // the first key byte: the tx ends 02 'k' 'k' 01 '1'
    const flags = tx(p.rnd, {
      type: 'add-writer',
      key: p.rnd.bytes(32),
      role: 'writer',
      indexer: false,
      invite: null
    })
    const badFlags = b4a.from(flags.bytes)
    badFlags[badFlags.byteLength - 1] = 0x04 // an unknown role flag
    const txs = [
      first.bytes,
      truncated,
      stub,
      withTrailing,
      badUtf8,
      badFlags,
      b4a.alloc(0),
      last.bytes
    ]
    const fed = await feed(p.writer, encodeBlock(txs), txs.length)
    t.is(fed.entries.length, txs.length, 'one entry per transaction')
    expectEntry(t, fed.entries[0], { reason: null, id: first.id }, 'good tx before')
    expectEntry(
      t,
      fed.entries[1],
      { reason: 'BAD_ENCODING', id: cutField.id, digestOf: truncated },
      'truncated value'
    )
    expectEntry(
      t,
      fed.entries[2],
      { reason: 'BAD_ENCODING', id: null, digestOf: stub },
      'shorter than a header'
    )
    expectEntry(t, fed.entries[3], { reason: 'BAD_ENCODING', id: trailing.id }, 'trailing byte')
    expectEntry(t, fed.entries[4], { reason: 'BAD_ENCODING', id: utf8.id }, 'invalid UTF-8 key')
    expectEntry(t, fed.entries[5], { reason: 'BAD_ENCODING', id: flags.id }, 'unknown role flag')
    expectEntry(t, fed.entries[6], { reason: 'BAD_ENCODING', id: null }, 'zero-length tx')
    expectEntry(t, fed.entries[7], { reason: null, id: last.id }, 'good tx after')
    t.is(await p.writer.get(trailing.key), null, 'the tx with a trailing byte was not applied')
    await settle(t, p, [{ author: p.writer, ...fed }])
  },

  async 'rejects a value above MAX_VALUE_BYTES and a transaction above MAX_TX_BYTES'(t, p) {
    const [first, last] = [goodPut(p.rnd), goodPut(p.rnd)]
    const huge = tx(p.rnd, {
      type: 'put',
      key: 'huge-value',
      value: JSON.stringify('h'.repeat(MAX_VALUE_BYTES))
    })
    const giant = tx(p.rnd, {
      type: 'put',
      key: 'giant-tx',
      value: JSON.stringify('g'.repeat(MAX_TX_BYTES))
    })
    t.ok(
      huge.bytes.byteLength <= MAX_TX_BYTES && giant.bytes.byteLength > MAX_TX_BYTES,
      'the sizes straddle the bounds as intended'
    )
    const fed = await feed(
      p.writer,
      encodeBlock([first.bytes, huge.bytes, giant.bytes, last.bytes]),
      4
    )
    expectEntry(t, fed.entries[0], { reason: null, id: first.id }, 'good tx before')
    expectEntry(
      t,
      fed.entries[1],
      { reason: 'INVALID_VALUE', id: huge.id, digestOf: huge.bytes },
      'value over MAX_VALUE_BYTES'
    )
    expectEntry(
      t,
      fed.entries[2],
      { reason: 'TOO_LARGE', id: giant.id, digestOf: giant.bytes },
      'tx over MAX_TX_BYTES'
    )
    t.is(fed.entries[2]?.tx, null, 'an oversized tx is not kept, only its digest')
    t.is(fed.entries[1]?.tx?.type, 'put', 'a rejected tx within bounds is kept')
    expectEntry(t, fed.entries[3], { reason: null, id: last.id }, 'good tx after')
    t.is(await p.writer.get('huge-value'), null)
    t.is(await p.writer.get('giant-tx'), null)
    await settle(t, p, [{ author: p.writer, ...fed }])
  },

  async 'rejects zero, non-canonical and overflowing amounts'(t, p) {
    const { writer, admin, writerAccount, adminAccount } = p
    const transfer = (amount: bigint): RawTx =>
      tx(p.rnd, { type: 'transfer', from: writerAccount, to: adminAccount, amount, memo: '' })
    /** The same transfer with its amount field (the bytes before the empty memo) replaced. */
    const patched = (amountHex: string): RawTx => {
      const base = transfer(1n) // ... amount 01 01, memo 00
      return {
        id: base.id,
        bytes: b4a.concat([
          base.bytes.subarray(0, base.bytes.byteLength - 3),
          b4a.from(amountHex + '00', 'hex')
        ])
      }
    }
    const before = await Promise.all([writer.balance(writerAccount), writer.balance(adminAccount)])
    const zero = patched('00')
    const negative = transfer(-5n) // encodeTx has no sign: what the API refuses arrives as zero
    const leadingZero = patched('020001')
    const tooLong = patched('11' + '01' + '00'.repeat(16))
    const highBit = patched('10' + 'ff'.repeat(16)) // all bits set: MAX_AMOUNT, not -1
    const valid = transfer(7n)
    const fed = await feed(
      writer,
      encodeBlock([
        zero.bytes,
        negative.bytes,
        leadingZero.bytes,
        tooLong.bytes,
        highBit.bytes,
        valid.bytes
      ]),
      6
    )
    expectEntry(t, fed.entries[0], { reason: 'INVALID_AMOUNT', id: zero.id }, 'amount 0')
    expectEntry(
      t,
      fed.entries[1],
      { reason: 'INVALID_AMOUNT', id: negative.id },
      'amount -5 through encodeTx'
    )
    expectEntry(
      t,
      fed.entries[2],
      { reason: 'BAD_ENCODING', id: leadingZero.id },
      'amount with a leading zero byte'
    )
    expectEntry(t, fed.entries[3], { reason: 'BAD_ENCODING', id: tooLong.id }, 'amount of 17 bytes')
    expectEntry(
      t,
      fed.entries[4],
      { reason: 'INSUFFICIENT_FUNDS', id: highBit.id },
      'amount with every bit set'
    )
    expectEntry(
      t,
      fed.entries[5],
      { reason: null, id: valid.id },
      'a valid transfer in the same block'
    )
    const after = await Promise.all([writer.balance(writerAccount), writer.balance(adminAccount)])
    t.alike(
      after.map((b) => b.balance),
      [before[0].balance - 7n, before[1].balance + 7n],
      'only the valid transfer moved value'
    )

    // Overflow needs the admin: minting MAX_AMOUNT on top of a non-zero supply.
    const supply = BigInt((await admin.status()).supply)
    t.ok(supply > 0n)
    const overflow = tx(p.rnd, { type: 'mint', account: writerAccount, amount: MAX_AMOUNT })
    const justOne = tx(p.rnd, { type: 'mint', account: writerAccount, amount: 1n })
    const minted = await feed(admin, encodeBlock([overflow.bytes, justOne.bytes]), 2)
    expectEntry(
      t,
      minted.entries[0],
      { reason: 'AMOUNT_OVERFLOW', id: overflow.id },
      'mint past MAX_AMOUNT'
    )
    expectEntry(t, minted.entries[1], { reason: null, id: justOne.id }, 'mint of 1 after it')
    t.is(
      BigInt((await admin.status()).supply),
      supply + 1n,
      'the supply grew by the accepted mint only'
    )
    await settle(t, p, [
      { author: writer, ...fed },
      { author: admin, ...minted }
    ])
  },

  async 'rejects transfer from an account the author does not own'(t, p) {
    const { writer, adminAccount, writerAccount } = p
    const before = await Promise.all([writer.balance(adminAccount), writer.balance('treasury')])
    t.ok(before[0].balance >= 10n && before[1].balance >= 10n, 'the accounts hold enough to steal')
    const fromAdmin = tx(p.rnd, {
      type: 'transfer',
      from: adminAccount,
      to: writerAccount,
      amount: 10n,
      memo: 'forged'
    })
    const fromTreasury = tx(p.rnd, {
      type: 'transfer',
      from: 'treasury',
      to: writerAccount,
      amount: 10n,
      memo: 'forged'
    })
    const again = tx(p.rnd, {
      type: 'transfer',
      from: 'treasury',
      to: writerAccount,
      amount: 10n,
      memo: 'again'
    })
    const coOwn = tx(p.rnd, { type: 'add-owner', account: 'treasury', key: writer.writerKey })
    const own = tx(p.rnd, {
      type: 'transfer',
      from: writerAccount,
      to: 'treasury',
      amount: 1n,
      memo: 'mine'
    })
    const fed = await feed(
      writer,
      encodeBlock([fromAdmin.bytes, fromTreasury.bytes, coOwn.bytes, again.bytes, own.bytes]),
      5
    )
    expectEntry(
      t,
      fed.entries[0],
      { reason: 'NOT_OWNER', id: fromAdmin.id },
      "debit of the admin's writer-key account"
    )
    expectEntry(
      t,
      fed.entries[1],
      { reason: 'NOT_OWNER', id: fromTreasury.id },
      'debit of a named account the admin opened'
    )
    expectEntry(
      t,
      fed.entries[2],
      { reason: 'NOT_OWNER', id: coOwn.id },
      'making itself an owner of that account'
    )
    expectEntry(
      t,
      fed.entries[3],
      { reason: 'NOT_OWNER', id: again.id },
      'debit of it after that attempt'
    )
    expectEntry(t, fed.entries[4], { reason: null, id: own.id }, 'debit of its own account')
    const after = await Promise.all([writer.balance(adminAccount), writer.balance('treasury')])
    t.alike(
      after.map((b) => b.balance),
      [before[0].balance, before[1].balance + 1n],
      'nothing left the accounts it does not own'
    )
    t.alike(
      after[1].owners,
      [p.adminAccount],
      'the named account still has only its opener as owner'
    )
    await settle(t, p, [{ author: writer, ...fed }])
  },

  async 'rejects mint, add-writer, remove-writer and set-version by a non-admin'(t, p) {
    const { writer, writerAccount, admin } = p
    const supply = (await writer.status()).supply
    const members = await writer.members()
    const mint = tx(p.rnd, { type: 'mint', account: writerAccount, amount: 1000n })
    const add = tx(p.rnd, {
      type: 'add-writer',
      key: p.rnd.bytes(32),
      role: 'admin',
      indexer: false,
      invite: null
    })
    const remove = tx(p.rnd, { type: 'remove-writer', key: admin.writerKey })
    const version = tx(p.rnd, { type: 'set-version', format: 1 })
    const fed = await feed(
      writer,
      encodeBlock([mint.bytes, add.bytes, remove.bytes, version.bytes]),
      4
    )
    expectEntry(t, fed.entries[0], { reason: 'NOT_AUTHORIZED', id: mint.id }, 'mint')
    expectEntry(t, fed.entries[1], { reason: 'NOT_AUTHORIZED', id: add.id }, 'add-writer')
    expectEntry(t, fed.entries[2], { reason: 'NOT_AUTHORIZED', id: remove.id }, 'remove-writer')
    expectEntry(t, fed.entries[3], { reason: 'NOT_AUTHORIZED', id: version.id }, 'set-version')
    t.is((await writer.status()).supply, supply, 'the supply did not change')
    t.alike(await writer.members(), members, 'the members did not change')
    await settle(t, p, [{ author: writer, ...fed }])
  },

  async "rejects a writer reusing its own id, in the same block and across blocks; another writer's id is judged on its own"(
    t,
    p
  ) {
    const { writer, admin } = p
    const id = p.rnd.bytes(16)
    const put = (key: string): Uint8Array =>
      encodeTx({ version: 1, id, timestamp: 0, type: 'put', key, value: '1' })
    const same = await feed(writer, encodeBlock([put('dup-1'), put('dup-2')]), 2)
    expectEntry(t, same.entries[0], { reason: null, id }, 'first use')
    expectEntry(t, same.entries[1], { reason: 'DUPLICATE_ID', id }, 'second use in the same block')
    const across = await feed(writer, encodeBlock([put('dup-3')]), 1)
    expectEntry(t, across.entries[0], { reason: 'DUPLICATE_ID', id }, 'third use in a later block')
    // Another writer's id: the admin's receipt id, reused by the writer. Ids are scoped per author,
    // so it is an unrelated transaction, judged on its own; only the writer's second use is a duplicate.
    const { id: adminId, author: adminAuthor } = await admin.submit({
      type: 'put',
      key: 'admin-original',
      value: 1
    })
    t.is(adminAuthor, p.adminAccount, "the receipt names the admin's writer key")
    await writer.waitForTransaction(adminId, { timeout: WAIT_MS })
    const reuse = (key: string, value: string): Uint8Array =>
      encodeTx({ version: 1, id: b4a.from(adminId, 'hex'), timestamp: 0, type: 'put', key, value })
    const copied = await feed(
      writer,
      encodeBlock([reuse('admin-copy', '2'), reuse('admin-original', '3')]),
      2
    )
    expectEntry(
      t,
      copied.entries[0],
      { reason: null, id: b4a.from(adminId, 'hex') },
      "the writer's first use of the admin's id"
    )
    expectEntry(
      t,
      copied.entries[1],
      { reason: 'DUPLICATE_ID', id: b4a.from(adminId, 'hex') },
      "the writer's second use of it"
    )
    const byAdmin = await admin.waitForTransaction(adminId, {
      author: admin.writerKey,
      timeout: WAIT_MS
    })
    const named = await writer.transaction(id)
    t.alike(
      [named?.writerPosition, named?.index],
      [same.seq, 0],
      'the id still names its first entry'
    )
    t.alike(
      [byAdmin.writer, byAdmin.outcome],
      [p.adminAccount, 'accepted'],
      "the admin's transaction is untouched"
    )
    const byWriter = await writer.transaction(adminId, { author: writer.writerKey })
    t.alike(
      [byWriter?.writer, byWriter?.writerPosition, byWriter?.index],
      [p.writerAccount, copied.seq, 0],
      "with the author, the id names that writer's own use"
    )
    t.is(
      (await writer.transaction(adminId))?.position,
      byAdmin.position,
      'without one, it names the first use in ledger order'
    )
    t.is((await writer.get('dup-1'))?.value, 1)
    t.is(await writer.get('dup-2'), null)
    t.is(await writer.get('dup-3'), null)
    t.is((await writer.get('admin-original'))?.value, 1, 'the duplicate changed nothing')
    t.is(
      (await writer.get('admin-copy'))?.value,
      2,
      'the reuse by another writer was applied as its own transaction'
    )
    await settle(t, p, [
      { author: writer, ...same },
      { author: writer, ...across },
      { author: writer, ...copied }
    ])
  },

  async 'a copy of a pending id by another writer never displaces the original, in either order'(
    t,
    p
  ) {
    const { admin, writer } = p
    const orders = new Set<string>()
    // Twice, roles swapped. The admin is the only indexer, so its own blocks are final at once: with
    // the admin honest the original comes first, with the writer honest (its transaction pending
    // while the two are apart) the admin's copy is ordered before the original.
    for (const [honest, copier] of [
      [admin, writer],
      [writer, admin]
    ]) {
      await converged([admin, writer], { timeout: WAIT_MS })
      p.apart()
      const key = 'front-run-' + hex(p.rnd.bytes(4))
      const receipt = await honest.submit({ type: 'put', key, value: 'honest' })
      t.is(receipt.author, hex(honest.writerKey), 'the receipt names its author')
      const id = b4a.from(receipt.id, 'hex')
      const copy = encodeTx({ version: 1, id, timestamp: 0, type: 'put', key, value: '"copy"' })
      const copied = await feed(copier, encodeBlock([copy]), 1)
      p.together()
      await converged([admin, writer], { final: true, timeout: WAIT_MS })
      let original: Entry | null = null
      let other: Entry | null = null
      for (const node of [admin, writer]) {
        original = await node.transaction(receipt.id, { author: receipt.author })
        other = await node.transaction(receipt.id, { author: copier.writerKey })
        expectEntry(t, original ?? undefined, { reason: null, id }, 'the original')
        expectEntry(t, other ?? undefined, { reason: null, id }, 'the copy, judged on its own')
        t.is(original?.writer, hex(honest.writerKey), "the original is the honest writer's entry")
        const plain = await node.transaction(receipt.id)
        if (node === honest)
          t.is(
            plain?.position,
            original?.position,
            'without an author, the node that submitted the id finds its own entry'
          )
        else
          t.is(
            plain?.position,
            Math.min(original?.position ?? -1, other?.position ?? -1),
            'without an author, another node finds the first use in ledger order'
          )
      }
      const own = await honest.waitForTransaction(receipt.id, { final: true, timeout: WAIT_MS })
      t.alike(
        [own.writer, own.outcome, own.position],
        [receipt.author, 'accepted', original?.position],
        "the honest node's wait for its receipt returns its own entry"
      )
      const seen = await copier.waitForTransaction(receipt.id, {
        author: receipt.author,
        final: true,
        timeout: WAIT_MS
      })
      t.is(seen.position, original?.position, 'with the author, any node finds the original')
      orders.add(
        (original?.position ?? 0) < (other?.position ?? 0) ? 'original first' : 'copy first'
      )
      await settle(t, p, [{ author: copier, ...copied }])
    }
    t.alike([...orders].sort(), ['copy first', 'original first'], 'both orders happened')
  },

  async 'refuses to remove the last admin (LAST_ADMIN) and a non-member (UNKNOWN_MEMBER)'(t, p) {
    const { admin } = p
    const self = tx(p.rnd, { type: 'remove-writer', key: admin.writerKey })
    const stranger = tx(p.rnd, { type: 'remove-writer', key: p.rnd.bytes(32) })
    const fed = await feed(admin, encodeBlock([self.bytes, stranger.bytes]), 2)
    expectEntry(
      t,
      fed.entries[0],
      { reason: 'LAST_ADMIN', id: self.id },
      'the only admin removing itself'
    )
    expectEntry(
      t,
      fed.entries[1],
      { reason: 'UNKNOWN_MEMBER', id: stranger.id },
      'a key that is not a member'
    )
    const me = (await admin.members()).find((m) => m.key === hex(admin.writerKey))
    t.is(me?.role, 'admin', 'the admin is still an admin')
    await settle(t, p, [{ author: admin, ...fed }])
  }
}

for (const [name, run] of Object.entries(CASES)) {
  test(`apply - ${name}`, async (t) => {
    const p = await createPair(t)
    await run(t, p)
  })
}

test('apply - a hostile run of every case on one ledger keeps the nodes identical and conserves value', async (t) => {
  const p = await createPair(t)
  for (const run of Object.values(CASES)) await run(t, p)
  const status = await p.admin.status()
  t.is(status.members.length, 3, 'the two members and the writer one invite admitted')
  t.is(status.formatVersion, FORMAT_VERSION, 'still the format it started at')
  const [sum] = await Promise.all([sumOfBalances(p.admin)])
  t.is(sum.toString(), status.supply, 'value is conserved at the end of the run')
})

// ---------------------------------------------------------------------------------------------
// Format upgrade: a node that does not know the activated version stops instead of guessing
// ---------------------------------------------------------------------------------------------

test('apply - a follower on an older release stops with upgrade-required while the upgraded node continues', async (t) => {
  const rnd = new Random(testSeed(t))
  // The admin pretends to be a newer release that knows a FUTURE format; the ledger still starts at this release's.
  const admin = await createNode(t, { formatVersion: FUTURE })
  const follower = await createNode(t, { key: admin.key }) // this release's own version
  const errors: Error[] = []
  admin.on('error', (err) => errors.push(err))
  follower.on('error', (err) => errors.push(err))
  t.teardown(link(admin, follower), { order: -1 })
  await converged([admin, follower], { length: 1, timeout: WAIT_MS })

  // Until it is activated, the FUTURE format is not accepted even by a node that supports it.
  const early = tx(rnd, { type: 'put', key: 'v3-early', value: '1' }, FUTURE)
  const earlyBlock = blockOfVersion(FUTURE, [early.bytes])
  const rejected = await feed(admin, earlyBlock, 1)
  expectEntry(
    t,
    rejected.entries[0],
    { reason: 'VERSION_NOT_ACTIVE', id: null },
    'a future-version block before activation'
  )
  await converged([admin, follower], { timeout: WAIT_MS })
  const stoppedAt = follower.length

  const upgrade = within(
    new Promise<string>((resolve) => follower.once('upgrade-required', resolve)),
    WAIT_MS,
    'upgrade-required'
  )
  const { id } = await admin.submit({ type: 'set-version', format: FUTURE })
  t.is(
    (await admin.waitForTransaction(id, { timeout: WAIT_MS })).outcome,
    'accepted',
    'the admin activates the future format'
  )
  t.is((await admin.status()).formatVersion, FUTURE)

  const reason = await upgrade
  t.ok(
    typeof reason === 'string' && reason.length > 0,
    'the follower emits upgrade-required with a reason'
  )
  const status = await follower.status()
  t.is(status.upgradeRequired, reason, 'status() reports it')
  t.is(
    status.formatVersion,
    FORMAT_VERSION,
    'the follower did not activate a format it does not know'
  )
  t.is(await follower.transaction(id), null, 'the follower did not record the set-version')
  t.is(follower.length, stoppedAt, 'the follower stopped before it')
  try {
    await follower.submit({ type: 'put', key: 'x', value: 1 })
    t.fail('submit on a stopped node should throw')
  } catch (err) {
    t.is(
      (err as LedgerError).code,
      'UPGRADE_REQUIRED',
      'submit on the stopped follower says UPGRADE_REQUIRED'
    )
  }

  // The upgraded node carries on, now accepting future-version blocks and transactions.
  const next = await admin.submit({ type: 'put', key: 'after-upgrade', value: 1 })
  t.is(
    (await admin.waitForTransaction(next.id, { timeout: WAIT_MS })).outcome,
    'accepted',
    'the admin keeps applying'
  )
  const v3 = tx(rnd, { type: 'put', key: 'v3-late', value: '3' }, FUTURE)
  const v3Block = blockOfVersion(FUTURE, [v3.bytes])
  const accepted = await feed(admin, v3Block, 1)
  expectEntry(
    t,
    accepted.entries[0],
    { reason: null, id: v3.id },
    'a future-version block after activation'
  )
  t.is(follower.length, stoppedAt, 'the follower is still stopped')
  t.is((await follower.status()).upgradeRequired, reason)
  t.alike(errors.map(String), [], "no 'error' event fired")
})
