import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import b4a from 'b4a'
import type Autobase from 'autobase'
import type Hypercore from 'hypercore'
import type { LedgerView } from '../ledger/view.js'
import { openEntry, verifyEntry, GENESIS_HASH } from '../ledger/entry.js'
import type { EntryRecord } from '../ledger/entry.js'
import { reasonOf } from '../ledger/outcome.js'
import { toHex } from '../ledger/ids.js'
import { appliedWriters } from './applied.js'
import type { ScratchNode } from './scratch.js'
import { hashStoredBlocks } from './stored-tree.js'

/** How long the derivation may go without applying anything new before verify gives up (ms). */
export const VERIFY_STALL_MS = 30_000
/** State keys read per page when walking the derived state. */
const BATCH = 512

/** One entry as a verify report shows it. */
export interface VerifiedEntry {
  position: number
  writer: string
  writerPosition: number
  index: number
  outcome: 'accepted' | 'rejected'
  reason: string | null
  hash: string
}

export interface VerifyReport {
  /** identical: the derivation matches; different: it does not (see `difference`); incomplete: blocks are missing. */
  result: 'identical' | 'different' | 'incomplete'
  /** Entries compared: this node's final length when verify began. */
  length: number
  /** This node's final head hash at that length. */
  head: string
  /** How the first difference looks from both sides, or null. */
  difference: {
    /** The position of the first differing entry, or of the end of the entries for a state difference. */
    position: number
    what: string
    ours: VerifiedEntry | string | null
    derived: VerifiedEntry | string | null
  } | null
  /** Whether the state (records, balances, owners, members, supply, format) was compared: only when the whole ledger is final and derived. */
  stateCompared: boolean
  /**
   * Logs this node does not hold in full: `ledger` (its own entries) or a writer's key (it
   * fast-forwarded past those blocks, or never fetched them), with how much it holds and needs.
   */
  missing: Array<{ log: string; held: number; needed: number }>
  /** The writer logs derived from (key), with the blocks of each this node has applied and whether it removed the writer: empty when incomplete. */
  logs: Array<{ log: string; length: number; removed: boolean }>
  /** Time to derive and compare (ms), and entries derived per second. */
  ms: number
  entriesPerSecond: number
}

export interface VerifyProgress {
  phase: 'fetch' | 'derive' | 'compare'
  done: number
  of: number
}

/** What verify needs of a node: its base, and a derivation from scratch that replicates only with it. */
export interface VerifyTarget {
  base: Autobase<LedgerView>
  finalLength: number
  /** Fetch missing writer blocks from peers (a node on the network), or false. */
  canFetch: boolean
  /** Open a node that derives the ledger from scratch in `dir` from this node's blocks alone. */
  openScratch(dir: string): Promise<ScratchNode>
}

export interface VerifyOptions {
  onProgress?: (progress: VerifyProgress) => void
  /** Directory for the scratch store (removed afterwards). Default: a new one in the OS temp dir. */
  scratch?: string
  stallMs?: number
}

/**
 * Re-derive the ledger from the signed writer logs from scratch, in a scratch store, with no
 * network and no fast-forward, and compare it with this node's ledger up to its final length:
 * every entry (position, writer, block, outcome, hash chain), then, when the node's whole ledger
 * is final, the whole state view; then the derivation's own final length must reach it.
 */
export async function verifyLedger(
  target: VerifyTarget,
  opts: VerifyOptions = {}
): Promise<VerifyReport> {
  const started = Date.now()
  const base = target.base
  const length = target.finalLength
  const stallMs = opts.stallMs ?? VERIFY_STALL_MS
  const missing: VerifyReport['missing'] = []
  const log = base.view.log
  if (!(await hold(log, length, target.canFetch, stallMs, opts.onProgress)))
    missing.push({ log: 'ledger', held: log.contiguousLength, needed: length })
  const head = toHex(
    length === 0 || missing.length > 0 ? GENESIS_HASH : openEntry(await held(log, length - 1)).hash
  )
  const writers: Writers = missing.length > 0 ? new Map() : await writerLengths(base)
  for (const [key, { length: needed }] of writers) {
    const core = base.store.get({ key: b4a.from(key, 'hex') })
    try {
      await core.ready()
      if (!(await hold(core, needed, target.canFetch, stallMs, opts.onProgress)))
        missing.push({ log: key, held: core.contiguousLength, needed })
    } finally {
      await core.close()
    }
  }
  const report = (
    result: VerifyReport['result'],
    difference: VerifyReport['difference'] = null,
    stateCompared = false
  ): VerifyReport => {
    const ms = Date.now() - started
    return {
      result,
      length,
      head,
      difference,
      stateCompared,
      missing,
      logs:
        result === 'incomplete'
          ? []
          : [...writers].map(([log, { length, isRemoved }]) => ({
              log,
              length,
              removed: isRemoved
            })),
      ms,
      entriesPerSecond: ms === 0 ? 0 : Math.round((length * 1000) / ms)
    }
  }
  if (missing.length > 0) return report('incomplete')

  // This node's stored bytes, hashed anew while the derivation runs in its worker: the views'
  // tree hashes were computed when the blocks were appended, and say nothing of later damage.
  const stateSize = base.view.state.core.length
  const stored = Promise.all([
    hashStoredBlocks(log, length),
    hashStoredBlocks(base.view.state.core, stateSize)
  ])
  stored.catch(() => {}) // awaited below unless verify ends first
  const dir = opts.scratch ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-verify-')))
  const scratch = await target.openScratch(dir)
  try {
    const derived = await untilDerived(scratch, writers, length, opts)
    const entries = await compareEntries(base.view.log, scratch, length, opts.onProgress)
    if (entries !== null) return report('different', entries)
    const [storedLog, storedState] = await stored
    if (storedLog === null || !b4a.equals(storedLog, await scratch.treeHash('log', length)))
      return report('different', await firstDamagedEntry(log, scratch, length))
    const whole = base.view.log.length === length && derived === length
    const state = whole ? await compareState(base.view, scratch, length) : null
    if (state !== null) return report('different', state, true)
    if (
      whole &&
      stateSize === base.view.state.core.length &&
      (storedState === null || !b4a.equals(storedState, await scratch.treeHash('state', stateSize)))
    )
      return report(
        'different',
        {
          position: length,
          what: "this node's stored state blocks are not the ones its state tree was built from (damaged on disk?)",
          ours: null,
          derived: null
        },
        true
      )
    const signed = await untilSigned(scratch, length, stallMs)
    if (signed < length)
      return report(
        'different',
        {
          position: signed,
          what: "the indexers' signatures in the writer logs cover the derivation only this far",
          ours: null,
          derived: null
        },
        whole
      )
    return report('identical', null, whole)
  } finally {
    await scratch.close()
    if (opts.scratch === undefined) await fs.rm(dir, { recursive: true, force: true })
  }
}

/** Per writer (key hex): how many of its blocks this node's apply has taken, and whether it removed it. */
type Writers = Map<string, { length: number; isRemoved: boolean }>

/** Each writer this node's apply has taken blocks of. */
async function writerLengths(base: Autobase<LedgerView>): Promise<Writers> {
  const lengths: Writers = new Map()
  for (const { key, length, isRemoved } of await appliedWriters(base))
    if (length > 0) lengths.set(toHex(key), { length, isRemoved })
  return lengths
}

/** Whether the core holds its first `length` blocks, fetching them from peers first if it can (giving up after `stallMs`). */
async function hold(
  core: Hypercore,
  length: number,
  canFetch: boolean,
  stallMs: number,
  onProgress: VerifyOptions['onProgress']
): Promise<boolean> {
  if (core.contiguousLength >= length || !canFetch) return core.contiguousLength >= length
  onProgress?.({ phase: 'fetch', done: core.contiguousLength, of: length })
  const download = core.download({ start: 0, end: length })
  let timer: NodeJS.Timeout | undefined
  // No peer may have them: give up after a while, and report them missing.
  await Promise.race([
    download.done(),
    new Promise((resolve) => (timer = setTimeout(resolve, stallMs)))
  ])
  clearTimeout(timer)
  download.destroy()
  return core.contiguousLength >= length
}

/** A block this node holds (checked beforehand). */
async function held(core: Hypercore, index: number): Promise<Buffer> {
  const bytes = await core.get(index, { wait: false })
  if (bytes === null) throw new Error(`block ${index} of a log this node holds is not there`)
  return bytes
}

/** Wait until the scratch node has applied every writer block this node applied (or stops getting further); its length. */
async function untilDerived(
  scratch: ScratchNode,
  writers: Writers,
  length: number,
  opts: VerifyOptions
): Promise<number> {
  const stallMs = opts.stallMs ?? VERIFY_STALL_MS
  const keys = [...writers.keys()]
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    const derived = await scratch.update()
    const applied = await scratch.applied(keys)
    const all = applied.every(
      (info, i) =>
        info != null && (info.length >= (writers.get(keys[i])?.length ?? 0) || info.isRemoved)
    )
    if (all) return derived // every block this node applied: nothing more to derive
    if (derived !== last) {
      last = derived
      lastChange = Date.now()
      opts.onProgress?.({ phase: 'derive', done: Math.min(last, length), of: length })
    } else if (Date.now() - lastChange > stallMs) {
      return derived // compared as it stands: the report says where it falls short
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** Wait until the scratch node's own final length reaches `length` (the signatures in the logs sign what it derived), or stops moving; its final length. */
async function untilSigned(scratch: ScratchNode, length: number, stallMs: number): Promise<number> {
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    await scratch.update()
    const signed = await scratch.finalLength()
    if (signed >= length) return signed
    if (signed !== last) {
      last = signed
      lastChange = Date.now()
    } else if (Date.now() - lastChange > stallMs) {
      return signed
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/**
 * The first entry below `length` where the two logs differ, or where this node's own entry does
 * not check out; null when all agree. Equal tree hashes at `length` mean equal blocks (and the
 * derived ones are apply's own, hashed and chained), so the entries are read only on a mismatch:
 * up to the longest prefix whose tree hashes agree (a binary search), then the entry after it.
 */
async function compareEntries(
  ours: Hypercore,
  derived: ScratchNode,
  length: number,
  onProgress: VerifyOptions['onProgress']
): Promise<VerifyReport['difference']> {
  const common = Math.min(length, await derived.viewLength('log'))
  const same = async (n: number): Promise<boolean> =>
    b4a.equals(await ours.treeHash(n), await derived.treeHash('log', n))
  if (common === length && (await same(length))) {
    onProgress?.({ phase: 'compare', done: length, of: length })
    return null
  }
  let agree = 0 // the longest prefix known to agree
  let hi = common
  while (agree < hi) {
    const mid = Math.ceil((agree + hi) / 2)
    if (await same(mid)) agree = mid
    else hi = mid - 1
  }
  const position = agree
  const prev = position === 0 ? GENESIS_HASH : openEntry(await held(ours, position - 1)).hash
  const mine = await held(ours, position)
  const theirs = await derived.entry(position)
  const record = verifyEntry(mine) ? openEntry(mine) : null
  const other = theirs == null ? null : present(openEntry(theirs))
  if (record === null || record.seq !== position || !b4a.equals(record.prev, prev)) {
    const what =
      record === null
        ? "this node's entry does not match its own hash"
        : "this node's entry is not chained to the one before it"
    return { position, what, ours: record === null ? toHex(mine) : present(record), derived: other }
  }
  return {
    position,
    what:
      theirs != null && b4a.equals(mine, theirs)
        ? "this node's log tree does not match its entries"
        : 'the derivation from the writer logs differs',
    ours: present(record),
    derived: other
  }
}

/** The first entry whose stored bytes are not the derived ones, where the tree hashes agree. */
async function firstDamagedEntry(
  ours: Hypercore,
  derived: ScratchNode,
  length: number
): Promise<NonNullable<VerifyReport['difference']>> {
  let position = 0
  let mine: Buffer | null = null
  let theirs: Uint8Array | null = null
  for (; position < length; position++) {
    mine = await ours.get(position, { wait: false })
    theirs = await derived.entry(position)
    if (mine === null || theirs === null || !b4a.equals(mine, theirs)) break
  }
  const record = mine !== null && verifyEntry(mine) ? openEntry(mine) : null
  return {
    position,
    what: "this node's stored entry is not the one its log tree was built from (damaged on disk?)",
    ours: record === null ? (mine === null ? null : toHex(mine)) : present(record),
    derived: theirs === null ? null : present(openEntry(theirs))
  }
}

/**
 * The first state key where the two state views differ, or null. Equal tree hashes mean equal
 * hyperbees (apply writes the same blocks on every node: autobase calls it once per writer
 * block batch, in ledger order, everywhere); only when they differ is the state walked key by key.
 */
async function compareState(
  ours: LedgerView,
  derived: ScratchNode,
  length: number
): Promise<VerifyReport['difference']> {
  const size = ours.state.core.length
  if (
    size === (await derived.viewLength('state')) &&
    b4a.equals(await ours.state.core.treeHash(size), await derived.treeHash('state', size))
  )
    return null
  return walkState(ours, derived, length)
}

async function walkState(
  ours: LedgerView,
  derived: ScratchNode,
  length: number
): Promise<VerifyReport['difference']> {
  const a = ours.state.createReadStream()[Symbol.asyncIterator]()
  const b = derivedState(derived)
  for (;;) {
    const [x, y] = await Promise.all([a.next(), b.next()])
    if (x.done === true && y.done === true) return null
    const mine = x.done === true ? null : x.value
    const theirs = y.done === true ? null : { key: y.value[0], value: y.value[1] }
    if (
      mine === null ||
      theirs === null ||
      !b4a.equals(mine.key, theirs.key) ||
      !b4a.equals(mine.value ?? b4a.alloc(0), theirs.value ?? b4a.alloc(0))
    ) {
      return {
        position: length,
        what: 'the state differs',
        ours:
          mine === null ? null : `${printable(mine.key)} = ${toHex(mine.value ?? b4a.alloc(0))}`,
        derived:
          theirs === null
            ? null
            : `${printable(theirs.key)} = ${toHex(theirs.value ?? b4a.alloc(0))}`
      }
    }
  }
}

/** The scratch node's state, key by key. */
async function* derivedState(derived: ScratchNode): AsyncGenerator<[Uint8Array, Uint8Array]> {
  let after: Uint8Array | null = null
  for (;;) {
    const page = await derived.statePage(after, BATCH)
    yield* page
    if (page.length < BATCH) return
    after = page[page.length - 1][0]
  }
}

function present(e: EntryRecord): VerifiedEntry {
  const reason = reasonOf(e.outcome)
  return {
    position: e.seq,
    writer: toHex(e.writer),
    writerPosition: e.writerSeq,
    index: e.index,
    outcome: reason === null ? 'accepted' : 'rejected',
    reason,
    hash: toHex(e.hash)
  }
}

/** A state key as text where it is text, else hex. */
function printable(key: Uint8Array): string {
  const text = b4a.toString(key, 'utf8')
  return /^[\x20-\x7e]*$/.test(text) ? text : toHex(key)
}
