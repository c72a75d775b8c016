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
import { appliedBy } from './applied.js'

/** How long the derivation may go without applying anything new before verify gives up (ms). */
export const VERIFY_STALL_MS = 30_000
/** Entries read per batch when comparing. */
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
  /** Time to derive and compare (ms), and entries derived per second. */
  ms: number
  entriesPerSecond: number
}

export interface VerifyProgress {
  phase: 'fetch' | 'derive' | 'compare'
  done: number
  of: number
}

/** What verify needs of a node: its base, and a fresh node opened without network or fast-forward. */
export interface VerifyTarget {
  base: Autobase<LedgerView>
  finalLength: number
  /** Fetch missing writer blocks from peers (a node on the network), or false. */
  canFetch: boolean
  /** Open a node that derives the ledger from scratch in `dir`, replicating only with this one. */
  openScratch(dir: string): Promise<ScratchNode>
}

export interface ScratchNode {
  base: Autobase<LedgerView>
  readonly length: number
  replicateWith(base: Autobase<LedgerView>): () => void
  close(): Promise<void>
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
 * every entry byte for byte (position, writer, block, outcome, hash chain, each hash recomputed),
 * then, when the node's whole ledger is final, the whole state view key by key.
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
  const writers = missing.length > 0 ? new Map<string, number>() : await writerLengths(base)
  for (const [key, needed] of writers) {
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
      ms,
      entriesPerSecond: ms === 0 ? 0 : Math.round((length * 1000) / ms)
    }
  }
  if (missing.length > 0) return report('incomplete')

  const dir = opts.scratch ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-verify-')))
  const scratch = await target.openScratch(dir)
  const cut = scratch.replicateWith(base)
  try {
    await untilDerived(scratch, writers, length, opts)
    const entries = await compareEntries(
      base.view.log,
      scratch.base.view.log,
      length,
      opts.onProgress
    )
    if (entries !== null) return report('different', entries)
    const whole = base.view.log.length === length && scratch.length === length
    if (!whole) return report('identical')
    const state = await compareState(base.view, scratch.base.view, length)
    return report(state === null ? 'identical' : 'different', state, true)
  } finally {
    cut()
    await scratch.close()
    if (opts.scratch === undefined) await fs.rm(dir, { recursive: true, force: true })
  }
}

/** Each writer this node's apply has taken blocks of, and how many. */
async function writerLengths(base: Autobase<LedgerView>): Promise<Map<string, number>> {
  const lengths = new Map<string, number>()
  const seen = new Set<string>()
  // The writers that wrote entries, and the current members (an indexer may have written only acks).
  const log = base.view.log
  for (let i = 0; i < log.length; i += BATCH) {
    const blocks = await Promise.all(
      range(i, Math.min(log.length, i + BATCH)).map((p) => held(log, p))
    )
    for (const bytes of blocks) seen.add(toHex(openEntry(bytes).writer))
  }
  seen.add(toHex(base.key))
  seen.add(toHex(base.local.key))
  for (const key of seen) {
    const info = await appliedBy(base, b4a.from(key, 'hex'))
    if (info != null && info.length > 0) lengths.set(key, info.length)
  }
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

/** Wait until the scratch node has applied every writer block this node applied (or stops getting further). */
async function untilDerived(
  scratch: ScratchNode,
  writers: Map<string, number>,
  length: number,
  opts: VerifyOptions
): Promise<void> {
  const stallMs = opts.stallMs ?? VERIFY_STALL_MS
  let last = -1
  let lastChange = Date.now()
  for (;;) {
    await scratch.base.update()
    if (await appliedAll(scratch.base, writers)) return // every block this node applied: nothing more to derive
    if (scratch.length !== last) {
      last = scratch.length
      lastChange = Date.now()
      opts.onProgress?.({ phase: 'derive', done: Math.min(last, length), of: length })
    } else if (Date.now() - lastChange > stallMs) {
      return // compared as it stands: the report says where it falls short
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function appliedAll(
  base: Autobase<LedgerView>,
  writers: Map<string, number>
): Promise<boolean> {
  for (const [key, needed] of writers) {
    const info = await appliedBy(base, b4a.from(key, 'hex'))
    if (info == null || (info.length < needed && !info.isRemoved)) return false
  }
  return true
}

/** The first entry below `length` where the two logs differ, or where this node's own entry does not check out; null when all agree. */
async function compareEntries(
  ours: Hypercore,
  derived: Hypercore,
  length: number,
  onProgress: VerifyOptions['onProgress']
): Promise<VerifyReport['difference']> {
  let prev: Uint8Array = GENESIS_HASH
  for (let i = 0; i < length; i += BATCH) {
    const positions = range(i, Math.min(length, i + BATCH))
    const [a, b] = await Promise.all([
      Promise.all(positions.map((p) => held(ours, p))),
      Promise.all(
        positions.map((p) => (p < derived.length ? derived.get(p, { wait: false }) : null))
      )
    ])
    for (const [j, position] of positions.entries()) {
      const mine = a[j]
      const theirs = b[j]
      const record = verifyEntry(mine) ? openEntry(mine) : null
      if (record === null || record.seq !== position || !b4a.equals(record.prev, prev)) {
        const what =
          record === null
            ? "this node's entry does not match its own hash"
            : "this node's entry is not chained to the one before it"
        return {
          position,
          what,
          ours: record === null ? toHex(mine) : present(record),
          derived: theirs == null ? null : present(openEntry(theirs))
        }
      }
      if (theirs == null || !b4a.equals(mine, theirs)) {
        return {
          position,
          what: 'the derivation from the writer logs differs',
          ours: present(record),
          derived: theirs == null ? null : present(openEntry(theirs))
        }
      }
      prev = record.hash
    }
    onProgress?.({ phase: 'compare', done: positions[positions.length - 1] + 1, of: length })
  }
  return null
}

/** The first state key where the two state views differ, or null. */
async function compareState(
  ours: LedgerView,
  derived: LedgerView,
  length: number
): Promise<VerifyReport['difference']> {
  const a = ours.state.createReadStream()[Symbol.asyncIterator]()
  const b = derived.state.createReadStream()[Symbol.asyncIterator]()
  for (;;) {
    const [x, y] = await Promise.all([a.next(), b.next()])
    if (x.done === true && y.done === true) return null
    const mine = x.done === true ? null : x.value
    const theirs = y.done === true ? null : y.value
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

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i)
}
