/**
 * Hostile writers: what a member writing garbage, oversized blocks, forged and replayed
 * transactions and floods, a removed writer that keeps writing, and a peer that is not a member
 * at all can do to the honest nodes. Nothing, is the claim: the honest nodes keep serving and
 * writing, apply never throws, every hostile transaction has the same recorded outcome everywhere
 * (identical ledgers, same head hash), value is conserved, and a flood delays honest writers by a
 * bounded, measured amount.
 *
 * Four in-process nodes, linked pairwise by replication streams:
 *   admin    creates the ledger, the only indexer
 *   honest   a writer that keeps writing and measures its latency
 *   hostile  a writer whose bytes go straight into its autobase log (no submit() checks)
 *   outsider never added: replicates, tries optimistic appends and plain submits
 * At the end the admin removes the hostile writer while it is cut off; it keeps writing, then
 * reconnects.
 *
 * Ids are scoped per writer, so a member that copies the id of a pending honest transaction (see
 * frontRun) writes an unrelated transaction of its own: the honest one is still accepted, and the
 * honest node's wait for its receipt returns its own entry.
 */
import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import { performance } from 'perf_hooks'
import b4a from 'b4a'
import { LedgerNode, LedgerError } from '../../lib/index.js'
import type { Entry } from '../../lib/index.js'
import { encodeTx } from '../../lib/ledger/tx.js'
import type { Tx, TxBody } from '../../lib/ledger/tx.js'
import { encodeBlock, decodeBlock } from '../../lib/ledger/block.js'
import { MAX_BLOCK_BYTES, MAX_BLOCK_TXS, MAX_TX_BYTES, MAX_VALUE_BYTES } from '../../lib/ledger/limits.js'
import { link, converged } from '../helpers/nodes.js'
import { audit } from '../helpers/audit.js'
import type { Audit } from '../helpers/audit.js'
import { Random } from '../helpers/random.js'
import { Report } from './report.js'
import { replayNodes } from './replay.js'
import { median } from '../../bench/harness/stats.js'

export interface HostileOptions {
  seed?: number
  /** Random and hand-malformed blocks the hostile member writes. */
  garbageBlocks?: number
  /** Max-size blocks (4096 transactions, or close to 1 MiB) in the flood. */
  floodBlocks?: number
  /** Honest latency samples taken before the flood (the baseline). */
  baselineSamples?: number
  /** Blocks the removed writer appends while cut off. */
  cutOffBlocks?: number
  /** Longest wait for any one condition. */
  timeout?: number
  /** Progress lines (for a soak run); silent by default. */
  log?: (line: string) => void
}

const hex = (b: Uint8Array): string => b4a.toString(b, 'hex')

/** Reasons a hostile block must produce, one per entry; null: no entry at all (an empty block). */
type Expected = string[] | 'all-rejected' | null

interface HostileBlock {
  seq: number
  what: string
  expect: Expected
}

interface Ctx {
  rnd: Random
  timeout: number
  report: Report
  admin: LedgerNode
  honest: LedgerNode
  hostile: LedgerNode
  outsider: LedgerNode
  errors: Map<LedgerNode, Error[]>
  names: Map<LedgerNode, string>
  links: Map<string, () => void>
  blocks: HostileBlock[]
  /** Hostile transactions that must never be accepted, as `<author>:<id>` (ids are scoped per writer). */
  forbidden: Set<string>
  /** Ids the hostile member has used already: its replays of them must be DUPLICATE_ID. */
  hostileIds: string[]
  /** Ids the honest nodes wrote, for the hostile member to replay. */
  honestIds: string[]
  /** Byte-exact honest transactions (a transfer out of the honest account), for it to replay. */
  honestBytes: Uint8Array[]
  log: (line: string) => void
}

export async function hostileScenario (opts: HostileOptions = {}): Promise<Report> {
  const {
    seed = Math.floor(Math.random() * 2 ** 31),
    garbageBlocks = 40,
    floodBlocks = 8,
    baselineSamples = 15,
    cutOffBlocks = 6,
    timeout = 60_000,
    log = () => {}
  } = opts
  const report = new Report('hostile')
  report.figures.seed = seed
  const dirs: string[] = []
  const nodes: LedgerNode[] = []
  const links = new Map<string, () => void>()
  const open = async (key?: Buffer, fastForward = true): Promise<LedgerNode> => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-hostile-'))
    dirs.push(dir)
    const node = new LedgerNode({ storage: dir, key, ackInterval: 50, fastForward })
    nodes.push(node)
    await node.ready()
    return node
  }
  try {
    const admin = await open()
    // The hostile node applies everything itself: a node that fast-forwarded holds its views
    // sparsely and fetches missing blocks from peers while it applies, so once cut off its apply,
    // and every append waiting behind it, would stall until a peer came back.
    // Its key sorts before the honest writer's (a member can grind its key; here fresh pairs are
    // drawn until it does): autobase orders concurrent blocks by writer key, so its blocks then go
    // first whenever they race the honest writer's.
    let honest = await open(admin.key)
    let hostile = await open(admin.key, false)
    for (let tries = 0; b4a.compare(hostile.writerKey, honest.writerKey) > 0 && tries < 20; tries++) {
      for (const n of [honest, hostile]) {
        await n.close()
        nodes.splice(nodes.indexOf(n), 1)
      }
      honest = await open(admin.key)
      hostile = await open(admin.key, false)
    }
    const outsider = await open(admin.key)
    const names = new Map([[admin, 'admin'], [honest, 'honest'], [hostile, 'hostile'], [outsider, 'outsider']])
    const errors = new Map<LedgerNode, Error[]>()
    for (const n of nodes) {
      const list: Error[] = []
      errors.set(n, list)
      n.on('error', err => list.push(err))
    }
    const ctx: Ctx = {
      rnd: new Random(seed), timeout, report, admin, honest, hostile, outsider, errors, names, links,
      blocks: [], forbidden: new Set(), hostileIds: [], honestIds: [], honestBytes: [], log
    }
    connect(ctx, [admin, honest, hostile, outsider])
    await setup(ctx)
    log('setup done')
    await garbage(ctx, garbageBlocks)
    await forgeries(ctx)
    await outsiderAttempts(ctx)
    await flood(ctx, floodBlocks, baselineSamples)
    await frontRun(ctx)
    await removedWriter(ctx, cutOffBlocks)
    await finalChecks(ctx)
    return report
  } finally {
    for (const cut of links.values()) cut()
    for (const node of nodes.reverse()) await node.close().catch(() => {})
    for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true })
  }
}

function pairName (ctx: Ctx, a: LedgerNode, b: LedgerNode): string {
  return [ctx.names.get(a), ctx.names.get(b)].sort().join('-')
}

function connect (ctx: Ctx, nodes: LedgerNode[]): void {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const name = pairName(ctx, nodes[i], nodes[j])
      if (!ctx.links.has(name)) ctx.links.set(name, link(nodes[i], nodes[j]))
    }
  }
}

function cutOff (ctx: Ctx, node: LedgerNode): void {
  for (const [name, cut] of ctx.links) {
    if (name.split('-').includes(ctx.names.get(node)!)) {
      cut()
      ctx.links.delete(name)
    }
  }
}

const writable = (n: LedgerNode, timeout: number): Promise<boolean> =>
  n.waitUntil(async () => (n.writable ? true : null), timeout, 'writable')

/** A hand-built transaction with a fresh id from the seeded PRNG (or the given one). */
function tx (rnd: Random, body: TxBody, id: Uint8Array = rnd.bytes(16)): { id: Uint8Array, bytes: Uint8Array } {
  return { id, bytes: encodeTx({ version: 1, id, timestamp: 0, ...body } as Tx) }
}

/** Append raw bytes (or null-free arrays of them, one autobase batch) to the hostile log; remember what each block must produce. */
async function hostileAppend (ctx: Ctx, items: Array<{ bytes: Uint8Array, what: string, expect: Expected, ids?: Uint8Array[] }>): Promise<void> {
  const log = ctx.hostile.base.local
  const first = log.length
  await within(ctx.hostile.base.append(items.length === 1 ? items[0].bytes : items.map(i => i.bytes)), ctx.timeout, `hostile append of ${items[0].what}`)
  if (log.length !== first + items.length) throw new Error(`hostile log grew by ${log.length - first}, not ${items.length}`)
  items.forEach((item, i) => {
    ctx.blocks.push({ seq: first + i, what: item.what, expect: item.expect })
    for (const id of item.ids ?? []) ctx.forbidden.add(`${hex(ctx.hostile.writerKey)}:${hex(id)}`)
  })
  ctx.report.count('hostile blocks', items.length)
}

interface Accounts { admin: string, honest: string, hostile: string, outsider: string }

function accounts (ctx: Ctx): Accounts {
  return { admin: hex(ctx.admin.writerKey), honest: hex(ctx.honest.writerKey), hostile: hex(ctx.hostile.writerKey), outsider: hex(ctx.outsider.writerKey) }
}

async function setup (ctx: Ctx): Promise<void> {
  const { admin, honest, hostile, timeout } = ctx
  const acc = accounts(ctx)
  await admin.submit([{ type: 'add-writer', key: honest.writerKey }, { type: 'add-writer', key: hostile.writerKey }])
  await Promise.all([writable(honest, timeout), writable(hostile, timeout)])
  const receipts = await admin.submit([
    { type: 'mint', account: acc.admin, amount: 1_000_000n },
    { type: 'open-account', account: 'treasury' },
    { type: 'mint', account: 'treasury', amount: 500_000n },
    { type: 'mint', account: acc.honest, amount: 100_000n },
    { type: 'mint', account: acc.hostile, amount: 1_000n }
  ])
  ctx.honestIds.push(...receipts.map(r => r.id))
  // A byte-exact honest transfer the hostile member will replay.
  const transfer = { version: 1, id: ctx.rnd.bytes(16), timestamp: 1, type: 'transfer', from: acc.honest, to: acc.hostile, amount: 5n, memo: 'honest' } as const
  await honest.submit({ ...transfer, id: transfer.id })
  ctx.honestBytes.push(encodeTx(transfer as unknown as Tx))
  ctx.honestIds.push(hex(transfer.id))
  await Promise.all([admin, honest, hostile].map(n => n.waitForTransaction(transfer.id, { timeout })))
}

/** Random garbage and hand-malformed blocks. */
async function garbage (ctx: Ctx, count: number): Promise<void> {
  const { rnd } = ctx
  const good = (): Uint8Array => tx(rnd, { type: 'put', key: 'g-' + hex(rnd.bytes(4)), value: '1' }).bytes
  for (let i = 0; i < count; i++) {
    const kind = i % 6
    let bytes: Uint8Array
    let expect: Expected
    let what: string
    if (kind === 0) {
      // Random bytes with a random first (version) byte.
      bytes = rnd.bytes(1 + rnd.int(4000))
      what = 'random bytes'
      const block = decodeBlock(bytes)
      expect = block.version === 0 ? ['BAD_ENCODING'] : block.version > 1 ? ['VERSION_NOT_ACTIVE'] : block.ok ? 'all-rejected' : ['BAD_ENCODING']
    } else if (kind === 1) {
      // Version byte 1, then random bytes: almost never a block.
      bytes = rnd.bytes(2 + rnd.int(4000))
      bytes[0] = 1
      what = 'random bytes after version 1'
      expect = decodeBlock(bytes).ok ? 'all-rejected' : ['BAD_ENCODING']
    } else if (kind === 2) {
      // A well-formed block of random transaction bytes (some long enough to carry an id).
      const txs = Array.from({ length: 1 + rnd.int(20) }, () => rnd.bytes(rnd.int(200)))
      for (const t of txs) if (t.byteLength > 0) t[0] = 1
      bytes = encodeBlock(txs)
      what = 'block of random transactions'
      expect = 'all-rejected'
    } else if (kind === 3) {
      // A good block cut short.
      const whole = encodeBlock([good(), good(), good()])
      bytes = whole.subarray(0, 1 + rnd.int(whole.byteLength - 1))
      what = 'truncated block'
      expect = ['BAD_ENCODING']
    } else if (kind === 4) {
      // A good block with trailing bytes, or a count that overstates its transactions.
      const whole = encodeBlock([good(), good()])
      if (rnd.int(2) === 0) {
        bytes = b4a.concat([whole, rnd.bytes(1 + rnd.int(8))])
        what = 'block with trailing bytes'
      } else {
        bytes = b4a.from(whole)
        bytes[1] = 3
        what = 'block whose count overstates'
      }
      expect = ['BAD_ENCODING']
    } else {
      // An unknown type tag and a truncated tx between good ones.
      const unknown = b4a.from(good())
      unknown[17] = 0xf0
      const cut = good().subarray(0, 20)
      bytes = encodeBlock([unknown, cut])
      what = 'block with unknown type and truncated tx'
      expect = ['UNKNOWN_TYPE', 'BAD_ENCODING']
    }
    await hostileAppend(ctx, [{ bytes, what, expect }])
    ctx.report.count('garbage blocks')
  }
  // An empty block: autobase stores it as null, like an indexer's ack, so no node records it.
  await hostileAppend(ctx, [{ bytes: b4a.alloc(0), what: 'empty block', expect: null }])
  ctx.report.count('garbage blocks')
  // Oversized: one block just over 1 MiB of valid puts, one of MAX_BLOCK_TXS + 1 tiny transactions,
  // and a transaction over MAX_TX_BYTES between good ones.
  const value = JSON.stringify('v'.repeat(MAX_VALUE_BYTES - 2))
  const big: Uint8Array[] = []
  const bigIds: Uint8Array[] = []
  for (let size = 0; size <= MAX_BLOCK_BYTES;) {
    const t = tx(rnd, { type: 'put', key: 'big-' + hex(rnd.bytes(4)), value })
    big.push(t.bytes)
    bigIds.push(t.id)
    size += t.bytes.byteLength + 3
  }
  const tooMany = Array.from({ length: MAX_BLOCK_TXS + 1 }, () => tx(rnd, { type: 'put', key: 'many', value: '1' }))
  const giant = tx(rnd, { type: 'put', key: 'giant', value: JSON.stringify('g'.repeat(MAX_TX_BYTES)) })
  const oversized = encodeBlock(big)
  await hostileAppend(ctx, [{ bytes: oversized, what: `block of ${oversized.byteLength} bytes`, expect: ['TOO_LARGE'], ids: bigIds }])
  await hostileAppend(ctx, [{ bytes: encodeBlock(tooMany.map(t => t.bytes)), what: `block of ${MAX_BLOCK_TXS + 1} transactions`, expect: ['TOO_LARGE'], ids: tooMany.map(t => t.id) }])
  const [g1, g2] = [tx(rnd, { type: 'put', key: 'around-giant', value: '1' }), tx(rnd, { type: 'put', key: 'around-giant', value: '2' })]
  await hostileAppend(ctx, [{ bytes: encodeBlock([g1.bytes, giant.bytes, g2.bytes]), what: 'transaction over MAX_TX_BYTES', expect: ['accepted', 'TOO_LARGE', 'accepted'], ids: [giant.id] }])
  ctx.report.count('oversized blocks', 3)
  ctx.log(`garbage: ${count} blocks + 3 oversized`)
}

/** Forged transactions, privilege grabs and replays of earlier ids, all from a member. */
async function forgeries (ctx: Ctx): Promise<void> {
  const { rnd } = ctx
  const acc = accounts(ctx)
  const items: Array<{ t: { id: Uint8Array, bytes: Uint8Array }, reason: string }> = []
  const used = new Set<string>()
  // A second use of one id by the same writer is a duplicate, whatever its body would call for.
  const add = (t: { id: Uint8Array, bytes: Uint8Array }, reason: string): void => {
    const id = hex(t.id)
    items.push({ t, reason: used.has(id) ? 'DUPLICATE_ID' : reason })
    used.add(id)
  }
  add(tx(rnd, { type: 'transfer', from: acc.admin, to: acc.hostile, amount: 10n, memo: 'forged' }), 'NOT_OWNER')
  add(tx(rnd, { type: 'transfer', from: acc.honest, to: acc.hostile, amount: 10n, memo: 'forged' }), 'NOT_OWNER')
  add(tx(rnd, { type: 'transfer', from: 'treasury', to: acc.hostile, amount: 10n, memo: 'forged' }), 'NOT_OWNER')
  add(tx(rnd, { type: 'add-owner', account: 'treasury', key: ctx.hostile.writerKey }), 'NOT_OWNER')
  add(tx(rnd, { type: 'open-account', account: 'treasury' }), 'ACCOUNT_EXISTS')
  add(tx(rnd, { type: 'mint', account: acc.hostile, amount: 1n << 100n }), 'NOT_AUTHORIZED')
  add(tx(rnd, { type: 'add-writer', key: ctx.outsider.writerKey, role: 'admin', indexer: true }), 'NOT_AUTHORIZED')
  add(tx(rnd, { type: 'remove-writer', key: ctx.admin.writerKey }), 'NOT_AUTHORIZED')
  add(tx(rnd, { type: 'remove-writer', key: ctx.honest.writerKey }), 'NOT_AUTHORIZED')
  add(tx(rnd, { type: 'set-version', format: 2 }), 'NOT_AUTHORIZED')
  add(tx(rnd, { type: 'transfer', from: acc.hostile, to: acc.admin, amount: 1n << 64n, memo: 'more than it has' }), 'INSUFFICIENT_FUNDS')
  // Replays: byte-exact honest transactions, and other writers' ids on new bodies. Ids are scoped
  // per writer, so each is the hostile member's own transaction, judged on its own: a transfer out
  // of an account it does not own (the honest transfer's id is in both lists: its second use here
  // is a duplicate).
  for (const bytes of ctx.honestBytes) add({ id: bytes.subarray(1, 17), bytes }, 'NOT_OWNER')
  for (const id of ctx.honestIds) add(tx(rnd, { type: 'transfer', from: acc.admin, to: acc.hostile, amount: 1n, memo: 'replay' }, b4a.from(id, 'hex')), 'NOT_OWNER')
  const block = encodeBlock(items.map(i => i.t.bytes))
  await hostileAppend(ctx, [{ bytes: block, what: 'forged transactions and replays', expect: items.map(i => i.reason), ids: items.map(i => i.t.id) }])
  ctx.hostileIds.push(...items.map(i => hex(i.t.id)))
  ctx.report.count('forged transactions', 11)
  ctx.report.count('replayed ids', ctx.honestBytes.length + ctx.honestIds.length)

  // Its own ids: one accepted transfer, then that id again (same bytes, and a new body), in a later block.
  const own = tx(rnd, { type: 'transfer', from: acc.hostile, to: acc.honest, amount: 1n, memo: 'own' })
  await hostileAppend(ctx, [{ bytes: encodeBlock([own.bytes]), what: 'its own transfer', expect: ['accepted'] }])
  const again = tx(rnd, { type: 'transfer', from: acc.hostile, to: acc.honest, amount: 2n, memo: 'own again' }, own.id)
  await hostileAppend(ctx, [{ bytes: encodeBlock([own.bytes, again.bytes]), what: 'replays of its own id', expect: ['DUPLICATE_ID', 'DUPLICATE_ID'] }])
  ctx.hostileIds.push(hex(own.id))
  ctx.report.count('replayed ids', 2)
  // A forged transfer sent through optimistic mode by a member: the same rules.
  const optimistic = tx(rnd, { type: 'transfer', from: acc.admin, to: acc.hostile, amount: 3n, memo: 'optimistic' })
  const seq = ctx.hostile.base.local.length
  await (ctx.hostile.base as unknown as { append (v: Uint8Array, o: { optimistic: boolean }): Promise<void> }).append(encodeBlock([optimistic.bytes]), { optimistic: true })
  ctx.blocks.push({ seq, what: 'optimistic forged transfer by a member', expect: ['NOT_OWNER'] })
  ctx.forbidden.add(`${acc.hostile}:${hex(optimistic.id)}`)
  ctx.report.count('hostile blocks')
  ctx.report.count('forged transactions')
  ctx.log('forgeries done')
}

/** The outsider: submit and plain append fail at once, optimistic appends are never applied. */
async function outsiderAttempts (ctx: Ctx): Promise<void> {
  const { outsider, rnd, report } = ctx
  const acc = accounts(ctx)
  const submitErr = await outsider.submit({ type: 'put', key: 'outsider', value: 1 }).catch((err: unknown) => err)
  report.check('a non-member submit fails with NOT_WRITABLE', submitErr instanceof LedgerError && submitErr.code === 'NOT_WRITABLE', String(submitErr))
  const plain = tx(rnd, { type: 'put', key: 'outsider', value: '1' })
  const plainErr = await outsider.base.append(encodeBlock([plain.bytes])).then(() => null, (err: unknown) => err)
  report.check('a non-member plain append fails', plainErr !== null, String(plainErr))
  const attempts = [
    tx(rnd, { type: 'add-writer', key: outsider.writerKey, role: 'admin', indexer: true }),
    tx(rnd, { type: 'transfer', from: acc.admin, to: acc.outsider, amount: 100n, memo: 'outsider' }),
    tx(rnd, { type: 'mint', account: acc.outsider, amount: 100n }),
    tx(rnd, { type: 'put', key: 'outsider', value: '"was here"' })
  ]
  const append = outsider.base as unknown as { append (v: Uint8Array | null, o: { optimistic: boolean }): Promise<void> }
  let failed = 0
  for (const a of [...attempts.map(a => encodeBlock([a.bytes])), rnd.bytes(3000)]) {
    await append.append(a, { optimistic: true }).catch(() => { failed++ })
    report.count('outsider optimistic appends')
  }
  for (const a of attempts) ctx.forbidden.add(`${acc.outsider}:${hex(a.id)}`)
  report.figures.outsiderOptimisticAppendsThatThrew = failed
  report.count('outsider submits', 2)
  ctx.log('outsider done')
}

/**
 * Honest submit -> applied on the admin, sequentially, until `until` resolves (and at least `min`
 * samples). Alternates a put with a small transfer to the admin, which must be accepted.
 */
async function sampleLatency (ctx: Ctx, tag: string, min: number, until: Promise<unknown> | null): Promise<{ ms: number[], rejected: number, why: string[] }> {
  const { honest, admin, timeout } = ctx
  const acc = accounts(ctx)
  let done = until === null
  until?.then(() => { done = true }, () => { done = true })
  const ms: number[] = []
  let rejected = 0
  const why: string[] = []
  for (let i = 0; ms.length < min || !done; i++) {
    const start = performance.now()
    const input = i % 2 === 0
      ? { type: 'put' as const, key: `honest-${tag}-${i}`, value: i }
      : { type: 'transfer' as const, from: acc.honest, to: acc.admin, amount: 1n, memo: tag }
    const { id, author } = await within(honest.submit(input), timeout, 'an honest submit')
    const entry = await admin.waitForTransaction(id, { author, timeout })
    ms.push(performance.now() - start)
    if (entry.outcome !== 'accepted') {
      rejected++
      why.push(`${tag} ${i} ${entry.tx?.type} at ${entry.position}: ${entry.reason}`)
    }
    ctx.honestIds.push(id)
    if (ms.length > 10_000) break
  }
  return { ms, rejected, why }
}

/** Max-size blocks, appended one by one (and two as one autobase batch) while the honest writer measures its latency. */
async function flood (ctx: Ctx, count: number, baselineSamples: number): Promise<void> {
  const { rnd, report, admin, timeout } = ctx
  const acc = accounts(ctx)
  await converged([admin, ctx.honest, ctx.hostile, ctx.outsider], { timeout })
  ctx.log('baseline')
  const base = await sampleLatency(ctx, 'base', baselineSamples, null)
  // The flood starts from a settled ledger: every baseline transaction final.
  await admin.waitForTransaction(ctx.honestIds[ctx.honestIds.length - 1], { author: ctx.honest.writerKey, final: true, timeout })
  ctx.log('flood')

  const makers: Array<() => { bytes: Uint8Array, what: string, expect: Expected, ids: Uint8Array[] }> = [
    () => { // 4096 forged transfers out of accounts it does not own
      const ts = Array.from({ length: MAX_BLOCK_TXS }, (_, i) => tx(rnd, { type: 'transfer', from: i % 2 ? acc.admin : 'treasury', to: acc.hostile, amount: 1n, memo: '' }))
      return { bytes: encodeBlock(ts.map(t => t.bytes)), what: 'flood: 4096 forged transfers', expect: ts.map(() => 'NOT_OWNER'), ids: ts.map(t => t.id) }
    },
    () => { // 4096 transactions of an unknown type, each with a fresh id
      const ts = Array.from({ length: MAX_BLOCK_TXS }, () => { const b = b4a.concat([b4a.from([1]), rnd.bytes(16), b4a.from([0xf7, 0]), rnd.bytes(40)]); return { id: b.subarray(1, 17), bytes: b } })
      return { bytes: encodeBlock(ts.map(t => t.bytes)), what: 'flood: 4096 unknown types', expect: ts.map(() => 'UNKNOWN_TYPE'), ids: ts.map(t => t.id) }
    },
    () => { // ~1 MiB of values too large to accept, each transaction kept in its entry
      const value = JSON.stringify('x'.repeat(MAX_TX_BYTES - 200))
      const ts: Array<{ id: Uint8Array, bytes: Uint8Array }> = []
      for (let size = 0; size + MAX_TX_BYTES < MAX_BLOCK_BYTES - 64;) {
        const t = tx(rnd, { type: 'put', key: 'fat', value })
        ts.push(t)
        size += t.bytes.byteLength + 5
      }
      return { bytes: encodeBlock(ts.map(t => t.bytes)), what: `flood: ${ts.length} values over the bound (1 MiB)`, expect: ts.map(() => 'INVALID_VALUE'), ids: ts.map(t => t.id) }
    },
    () => { // 1 MiB of junk after a valid version byte
      const bytes = rnd.bytes(MAX_BLOCK_BYTES)
      bytes[0] = 1
      return { bytes, what: 'flood: 1 MiB of junk', expect: decodeBlock(bytes).ok ? 'all-rejected' : ['BAD_ENCODING'], ids: [] }
    },
    () => { // 4096 replays of ids it used already (another writer's id would be a new transaction of its own)
      const ts = Array.from({ length: MAX_BLOCK_TXS }, (_, i) => tx(rnd, { type: 'put', key: 'replay', value: '1' }, b4a.from(ctx.hostileIds[i % ctx.hostileIds.length], 'hex')))
      return { bytes: encodeBlock(ts.map(t => t.bytes)), what: 'flood: 4096 replayed ids', expect: ts.map(() => 'DUPLICATE_ID'), ids: [] }
    }
  ]
  const blocks = Array.from({ length: count }, (_, i) => makers[i % makers.length]())
  const end = tx(rnd, { type: 'put', key: 'flood-end', value: '1' })
  let floodEntries = 0
  for (const b of blocks) floodEntries += Array.isArray(b.expect) ? b.expect.length : 1
  report.count('flood blocks', count)
  report.count('flood bytes', blocks.reduce((n, b) => n + b.bytes.byteLength, 0))
  report.count('flood entries', floodEntries)

  const start = performance.now()
  const writing = (async () => {
    for (let i = 0; i < blocks.length; i++) {
      // The last two go in as one autobase batch: one apply call for both.
      if (i === blocks.length - 2 && blocks.length >= 4) {
        await hostileAppend(ctx, [blocks[i], blocks[i + 1]])
        break
      }
      await hostileAppend(ctx, [blocks[i]])
    }
    await hostileAppend(ctx, [{ bytes: encodeBlock([end.bytes]), what: 'flood end marker', expect: ['accepted'] }])
  })()
  const applied = writing.then(() => admin.waitForTransaction(end.id, { timeout: timeout * 2 }))
  const during = await sampleLatency(ctx, 'flood', 3, applied)
  await applied
  const floodMs = performance.now() - start

  const f = report.figures
  f.baselineP50Ms = Math.round(median(base.ms))
  f.baselineMaxMs = Math.round(Math.max(...base.ms))
  f.floodP50Ms = Math.round(median(during.ms))
  f.floodMaxMs = Math.round(Math.max(...during.ms))
  f.floodP50Ratio = Number((median(during.ms) / median(base.ms)).toFixed(1))
  f.floodMaxRatio = Number((Math.max(...during.ms) / Math.max(...base.ms)).toFixed(1))
  f.floodAppliedMs = Math.round(floodMs)
  f.floodEntriesPerSecond = Math.round(floodEntries / (floodMs / 1000))
  f.honestSamplesDuringFlood = during.ms.length
  report.count('honest transactions', base.ms.length + during.ms.length)
  report.check('honest transactions before and during the flood are all accepted', base.rejected + during.rejected === 0, `${base.rejected + during.rejected} rejected ${[...base.why, ...during.why].join('; ')}`)
  // The bound: an honest transaction waits at most for the flood already queued ahead of it, so
  // no single honest wait exceeds the time the whole flood took to apply (plus a 2 s margin).
  report.check('no honest transaction waited longer than the whole flood took to apply',
    Math.max(...during.ms) <= floodMs + 2000, `max ${f.floodMaxMs} ms, flood ${f.floodAppliedMs} ms`)
  report.check('the honest writer kept writing during the flood', during.ms.length >= 3, `${during.ms.length} samples`)
  f.reordersAfterFlood = JSON.stringify(Object.fromEntries(await Promise.all([...ctx.names].map(async ([n, name]) => [name, (await n.status()).reorders]))))
  ctx.log(`flood: ${JSON.stringify(f)}`)
}

/**
 * Id front-running: while an honest transaction is pending (its writer cut off from the indexer),
 * a member that has seen its id writes a block reusing it. Autobase orders concurrent blocks by
 * writer key, and the member's key sorts first (see hostileScenario), so its copy is applied first.
 * Ids are scoped per writer: the copy is the member's own transaction, judged on its own, and the
 * honest original is still accepted; the honest node's wait for its receipt returns its own entry.
 */
async function frontRun (ctx: Ctx): Promise<void> {
  const { admin, honest, hostile, outsider, rnd, report, timeout } = ctx
  await converged([admin, honest, hostile, outsider], { timeout })
  const hostileFirst = b4a.compare(hostile.writerKey, honest.writerKey) < 0
  // {admin} | {honest, outsider} | {hostile}: the outsider, a plain replica, is the member's eyes.
  cutOff(ctx, hostile)
  cutOff(ctx, admin)
  const victim = await within(honest.submit({ type: 'put', key: 'victim', value: 'honest' }), timeout, 'the honest submit')
  await outsider.waitForTransaction(victim.id, { timeout })
  const copy = tx(rnd, { type: 'put', key: 'victim', value: '"hostile"' }, b4a.from(victim.id, 'hex'))
  // A put by a member: accepted on its own, whichever goes first.
  await hostileAppend(ctx, [{ bytes: encodeBlock([copy.bytes]), what: 'copy of a pending honest id', expect: ['accepted'] }])
  connect(ctx, [admin, honest, hostile, outsider])
  await converged([admin, honest, outsider], { final: true, timeout })
  report.count('front-run attempts')
  report.figures.frontRunHostileKeySortsFirst = String(hostileFirst)
  const original = await admin.transaction(victim.id, { author: victim.author })
  const copied = await admin.transaction(victim.id, { author: hostile.writerKey })
  report.figures.frontRunCopyFirst = String(original !== null && copied !== null && copied.position < original.position)
  report.check('a copied id never displaces an honest transaction: the honest original is accepted',
    original !== null && original.writer === victim.author && original.outcome === 'accepted',
    JSON.stringify({ writer: original?.writer.slice(0, 16), outcome: original?.outcome, reason: original?.reason }))
  // The honest node's own wait for its receipt (no author given: it submitted the id) returns its own entry.
  const receipt = await honest.waitForTransaction(victim.id, { final: true, timeout })
  report.check("a copied id never displaces an honest transaction: the honest node's wait returns its own entry",
    receipt.writer === victim.author && receipt.outcome === 'accepted' && receipt.position === original?.position,
    `${receipt.writer === victim.author ? 'its own entry' : 'the hostile copy'} (${receipt.reason ?? receipt.outcome}) at ${receipt.position}`)
  ctx.log(`front-run: hostile key first ${hostileFirst}, copy first ${report.figures.frontRunCopyFirst}, honest outcome ${original?.reason ?? original?.outcome ?? 'missing'}`)
}

/**
 * The hostile member is cut off, the admin removes it (and that becomes final), and it keeps
 * writing: valid transactions it could make before, through submit() and raw. Then it reconnects.
 */
async function removedWriter (ctx: Ctx, count: number): Promise<void> {
  const { admin, honest, hostile, outsider, rnd, report, timeout } = ctx
  const acc = accounts(ctx)
  await converged([admin, honest, hostile, outsider], { timeout })
  cutOff(ctx, hostile)
  ctx.log('cut off')
  const removal = await admin.submit({ type: 'remove-writer', key: hostile.writerKey })
  const removed = await admin.waitForTransaction(removal.id, { final: true, timeout })
  report.check('the removal is accepted and final', removed.outcome === 'accepted' && removed.final, JSON.stringify({ outcome: removed.outcome, final: removed.final }))
  ctx.report.figures.removalPosition = removed.position
  ctx.log('removal final')

  const firstCutOff = hostile.base.local.length
  const cutOffIds = await within(writeWhileCutOff(ctx, count), timeout, 'the cut-off writer appending to its own log')
  const lastCutOff = hostile.base.local.length
  ctx.log('cut-off writes done')
  // Meanwhile the honest side carries on.
  const meanwhile = await honest.submit({ type: 'put', key: 'meanwhile', value: 1 })
  await admin.waitForTransaction(meanwhile.id, { timeout })

  connect(ctx, [admin, honest, hostile, outsider])
  ctx.log('reconnected')
  const hash = await converged([admin, honest, outsider], { timeout })
  await hostile.waitUntil(async () => (hostile.writable ? null : true), timeout, 'the removed writer to see its removal')
  // The removed writer's own view converges too once it has the admin's log.
  let hostileConverged = true
  await converged([admin, honest, outsider, hostile], { timeout }).catch(() => { hostileConverged = false })
  report.check('the removed writer converges to the honest head once reconnected', hostileConverged, hash)

  // Once removed, writes fail at once (optimistic ones are dropped).
  const err = await hostile.submit({ type: 'put', key: 'removed-late', value: 1 }).catch((e: unknown) => e)
  report.check('the removed writer cannot submit', err instanceof LedgerError && err.code === 'NOT_WRITABLE', String(err))
  const late = tx(rnd, { type: 'put', key: 'removed-late', value: '1' })
  const opt = hostile.base as unknown as { append (v: Uint8Array, o: { optimistic: boolean }): Promise<void> }
  await opt.append(encodeBlock([late.bytes]), { optimistic: true }).catch(() => {})
  cutOffIds.push(hex(late.id))
  report.count('removed-writer optimistic appends')

  const after = await honest.submit({ type: 'put', key: 'after-reconnect', value: 1 })
  await Promise.all([admin, outsider].map(n => n.waitForTransaction(after.id, { timeout })))
  for (const n of [admin, honest, outsider]) {
    const found: string[] = []
    for (const id of cutOffIds) if (await n.transaction(id, { author: hostile.writerKey }) !== null) found.push(id)
    report.check(`${ctx.names.get(n)}: no transaction the removed writer wrote after its removal is in the ledger`, found.length === 0, `${found.length} of ${cutOffIds.length} found`)
    const page = await n.entries({ gte: removed.position, limit: 1000 })
    const late = page.items.filter(e => e.writer === acc.hostile && e.writerPosition >= firstCutOff && e.writerPosition < lastCutOff + 2)
    const laterThanRemoval = page.items.filter(e => e.writer === acc.hostile)
    report.check(`${ctx.names.get(n)}: no entry by the removed writer after its removal`, late.length === 0 && laterThanRemoval.length === 0, `${laterThanRemoval.length} entries`)
    const record = await n.get('removed-0')
    report.check(`${ctx.names.get(n)}: its cut-off writes changed no state`, record === null, JSON.stringify(record))
  }
  report.count('cut-off transactions', cutOffIds.length)
  ctx.log('removed writer done')
}

/** Valid transactions it could make before its removal, and a full block, raw and through submit(). Returns their ids. */
async function writeWhileCutOff (ctx: Ctx, count: number): Promise<string[]> {
  const { hostile, rnd, report } = ctx
  const acc = accounts(ctx)
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const own = tx(rnd, { type: 'transfer', from: acc.hostile, to: acc.honest, amount: 1n, memo: 'after removal' })
    const put = tx(rnd, { type: 'put', key: 'removed-' + i, value: '"still here"' })
    const forged = tx(rnd, { type: 'transfer', from: 'treasury', to: acc.hostile, amount: 1n, memo: 'after removal' })
    await hostile.base.append(encodeBlock([own.bytes, put.bytes, forged.bytes]))
    ids.push(hex(own.id), hex(put.id), hex(forged.id))
    const { id } = await hostile.submit({ type: 'put', key: 'removed-submit-' + i, value: i })
    ids.push(id)
    report.count('blocks written after removal', 2)
  }
  const full = Array.from({ length: MAX_BLOCK_TXS }, () => tx(rnd, { type: 'put', key: 'removed-flood', value: '1' }))
  await hostile.base.append(encodeBlock(full.map(t => t.bytes)))
  ids.push(...full.map(t => hex(t.id)))
  report.count('blocks written after removal')
  return ids
}

/** Reject with a clear message if `promise` has not settled in `ms` (a wait with nothing else to time it out). */
async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

async function finalChecks (ctx: Ctx): Promise<void> {
  const { admin, honest, outsider, hostile, report, timeout } = ctx
  const honestNodes = [admin, honest, outsider]
  const acc = accounts(ctx)

  // Honest nodes keep writing: one more from each writer, applied on the others.
  const [a, h] = await Promise.all([admin.submit({ type: 'put', key: 'last-admin', value: 1 }), honest.submit({ type: 'put', key: 'last-honest', value: 1 })])
  const outcomes = await Promise.all(honestNodes.flatMap(n => [a, h].map(r => n.waitForTransaction(r.id, { author: r.author, timeout }))))
  report.check('honest nodes keep writing after everything: both writers\' last transactions accepted everywhere', outcomes.every(e => e.outcome === 'accepted'))

  const hash = await converged(honestNodes, { timeout, final: true })
  const audits: Audit[] = []
  for (const n of honestNodes) {
    try {
      audits.push(await audit(n))
      report.check(`${ctx.names.get(n)}: audit holds (hash chain, one outcome per (author, id), no negative balance, balances sum to supply)`, true)
    } catch (err) {
      report.check(`${ctx.names.get(n)}: audit holds (hash chain, one outcome per (author, id), no negative balance, balances sum to supply)`, false, String(err))
    }
  }
  const heads = await Promise.all(honestNodes.map(n => n.head()))
  report.check('every honest node holds the same head hash at the same length, all final',
    heads.every(x => x.hash === hash && x.length === heads[0].length && x.final.length === x.length), JSON.stringify(heads.map(x => [x.length, x.hash.slice(0, 16), x.final.length])))
  report.figures.finalLength = heads[0].length
  await replayNodes(honestNodes.map(n => ({ name: ctx.names.get(n)!, node: n })), [admin, honest, hostile].map(n => ({ name: ctx.names.get(n)!, key: hex(n.writerKey) })), report)
  if (audits.length === honestNodes.length) {
    const sig = (e: Entry): string => `${e.position}:${e.hash}:${e.writer}:${e.writerPosition}:${e.index}:${e.reason ?? 'accepted'}:${e.digest}`
    const first = audits[0].entries.map(sig)
    const same = audits.every(x => x.entries.length === first.length && x.entries.every((e, i) => sig(e) === first[i]))
    report.check('every honest node holds identical entries (position, hash, author, block, outcome, digest)', same)

    // Every hostile block has the outcomes it must have, the same on every node.
    const entries = audits[0].entries
    const byBlock = new Map<number, Entry[]>()
    for (const e of entries) {
      if (e.writer !== acc.hostile) continue
      const list = byBlock.get(e.writerPosition) ?? []
      list.push(e)
      byBlock.set(e.writerPosition, list)
    }
    const wrong: string[] = []
    let hostileEntries = 0
    for (const b of ctx.blocks) {
      const got = (byBlock.get(b.seq) ?? []).sort((x, y) => x.index - y.index).map(e => e.reason ?? 'accepted')
      hostileEntries += got.length
      const ok = b.expect === null
        ? got.length === 0
        : b.expect === 'all-rejected'
          ? got.length > 0 && got.every(r => r !== 'accepted')
          : got.join() === b.expect.join()
      if (!ok) wrong.push(`block ${b.seq} (${b.what}): got ${summarize(got)}, expected ${Array.isArray(b.expect) ? summarize(b.expect) : String(b.expect)}`)
    }
    report.figures.hostileEntries = hostileEntries
    report.check('every hostile block was recorded with the outcomes its content calls for', wrong.length === 0, wrong.slice(0, 5).join('; '))
    const accepted = entries.filter(e => e.id !== null && ctx.forbidden.has(`${e.writer}:${e.id}`) && e.outcome === 'accepted')
    report.check('no forged, oversized, replayed or outsider transaction was accepted', accepted.length === 0, accepted.slice(0, 3).map(e => `${e.position} ${e.tx?.type}`).join(', '))
    const byOutsider = entries.filter(e => e.writer === acc.outsider)
    report.check('the outsider has no entry in the ledger', byOutsider.length === 0, `${byOutsider.length} entries`)
    const members = (await admin.members()).map(m => m.key).sort()
    report.check('membership is exactly the admin and the honest writer', members.join() === [acc.admin, acc.honest].sort().join(), members.join())
    // The accounts it tried to drain hold what the honest history says.
    const treasury = audits[0].balances.get('treasury')
    report.check('the treasury lost nothing', treasury === 500_000n, String(treasury))
    const sum = [...audits[0].balances.values()].reduce((x, y) => x + y, 0n)
    report.check('value is conserved: the balances sum to the minted total', sum === 1_601_000n, String(sum))
  }

  for (const n of [admin, honest, hostile, outsider]) {
    const errs = ctx.errors.get(n)!
    const ok = errs.length === 0 && !n.base.closed && n.base.interrupted === null
    const name = ctx.names.get(n)
    report.check(`${name}: apply never threw (no 'error' event, base open, not interrupted)`, ok, errs.map(String).join('; '))
  }
  report.figures.reorders = JSON.stringify(Object.fromEntries(await Promise.all([...ctx.names].map(async ([n, name]) => [name, (await n.status()).reorders]))))
}

function summarize (reasons: string[]): string {
  const counts = new Map<string, number>()
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1)
  return reasons.length <= 6 ? `[${reasons.join(',')}]` : [...counts].map(([r, n]) => `${n}x${r}`).join(',')
}
