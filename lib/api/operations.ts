import { LedgerError } from '../errors.js'
import { BUSY_WAIT_MS } from '../node/backlog.js'
import type { LedgerNode } from '../node/node.js'
import { EventHub } from '../node/events.js'
import type { EventFeed } from '../node/events.js'
import type { VerifyOptions, VerifyReport } from '../node/verify.js'
import type { Status, Peers } from '../node/status.js'
import type {
  Entry,
  ExportedEntry,
  Page,
  RangeOptions,
  Head,
  RecordResult,
  BalanceResult,
  Member,
  DiffOptions,
  DiffPage
} from '../ledger/results.js'
import type { TxInput } from '../node/tx-input.js'
import { toJson } from './json.js'
import { isAccountName } from '../ledger/tx.js'
import { toHex } from '../ledger/ids.js'
import { decodeEntryProof } from '../proof/codec.js'
import type { Jsonify } from './json.js'
import type { FailedCheck } from '../node/readiness.js'
import type { CreateInviteOptions, CreatedInvite } from '../node/invites.js'
import type { Invite } from '../ledger/results.js'

/** Transactions one submit may carry. */
export const MAX_TXS_PER_SUBMIT = 1000
/** How long a submit waits for outcomes by default (ms); what is still pending after that is reported as pending. */
export const DEFAULT_SUBMIT_WAIT_MS = 10_000
export const MAX_SUBMIT_WAIT_MS = 120_000
/** JSON nesting allowed in a submitted transaction (a record value deeper than this is refused). */
export const MAX_JSON_DEPTH = 64

export type WaitMode = 'none' | 'applied' | 'final'
export const WAIT_MODES: readonly WaitMode[] = ['none', 'applied', 'final']

/** Paging of a record's or an account's history: newest first; `lt` = the previous page's `next`. */
export type HistoryRange = NonNullable<Parameters<LedgerNode['history']>[1]>

export type EntryJson = Jsonify<Entry>
export type ExportPageJson = Jsonify<Page<ExportedEntry>>
export type PageJson = Jsonify<Page<Entry>>
export type StatusJson = Jsonify<Status>
export type BalanceJson = Jsonify<BalanceResult>
export type RecordJson = Jsonify<RecordResult>
export type DiffJson = Jsonify<DiffPage>
/** The members; as of a past position, also `at` and `final` (at <= the final length). */
export interface MembersJson {
  members: Member[]
  at?: number
  final?: boolean
}

/** The body of GET /readyz: on 503 also a `{ code, message }` like any error reply. */
export type ReadinessJson =
  | { ready: true; failing: [] }
  | { ready: false; code: 'NOT_READY'; message: string; failing: FailedCheck[] }

/** An entry proof as the API hands it out: the proof file's bytes in hex, with what it proves. */
export interface EntryProofJson {
  ledger: string
  position: number
  /** The final length the proof was signed at. */
  signedLength: number
  /** Size of the proof in bytes. */
  size: number
  proof: string
}

export interface SubmitOptions {
  /** 'applied' (default): wait until this node has applied each transaction; 'final': until each outcome is final; 'none': return at once. */
  wait?: WaitMode
  /** Longest wait in ms, for room (back-pressure, at most BUSY_WAIT_MS) and outcomes together. Default DEFAULT_SUBMIT_WAIT_MS. */
  timeout?: number
}

export interface SubmitResult {
  /** One per submitted transaction, in order. `entry` is null while this node has not applied it yet. */
  transactions: Array<{ id: string; entry: EntryJson | null }>
  /** How many are not applied yet (or, with wait 'final', not final yet). */
  pending: number
}

/** What the CLI needs of a ledger, whether it talks to a daemon (HttpClient) or opens the store (LedgerApi). */
export interface LedgerOps {
  status(): Promise<StatusJson>
  head(): Promise<Head>
  entries(range?: RangeOptions): Promise<PageJson>
  entry(position: number): Promise<EntryJson>
  /** Entries with their stored bytes (up to the final length unless `lt` says otherwise). */
  exportEntries(range?: RangeOptions): Promise<ExportPageJson>
  /** A transaction by id; with `author` (writer key hex), that writer's transaction with the id. */
  transaction(id: string, author?: string): Promise<EntryJson>
  /** A record now, or with `at` as of that position. */
  get(key: string, at?: number): Promise<RecordJson>
  history(key: string, range?: HistoryRange): Promise<PageJson>
  accountHistory(account: string, range?: HistoryRange): Promise<PageJson>
  balance(account: string, at?: number): Promise<BalanceJson>
  members(at?: number): Promise<MembersJson>
  /** The records and accounts that differ between the state as of `from` and as of `to`. */
  diff(from: number, to: number, opts?: DiffOptions): Promise<DiffJson>
  submit(input: unknown, opts?: SubmitOptions): Promise<SubmitResult>
  addWriter(
    key: string,
    roles?: { admin?: boolean; indexer?: boolean },
    opts?: SubmitOptions
  ): Promise<SubmitResult>
  removeWriter(key: string, opts?: SubmitOptions): Promise<SubmitResult>
  /** Record an invite (admins only): the reply carries its code, the one copy of its secret. */
  createInvite(opts?: CreateInviteOptions): Promise<CreatedInvite>
  /** Revoke an invite by id (hex) or by its code. */
  revokeInvite(idOrCode: string): Promise<Invite>
  invites(): Promise<{ invites: Invite[] }>
  peers(): Promise<Peers>
  block(swarmKey: string): Promise<Peers>
  unblock(swarmKey: string): Promise<Peers>
  allow(swarmKey: string): Promise<Peers>
  disallow(swarmKey: string): Promise<Peers>
  /** Re-derive the ledger from the writer logs and compare it with this node's final ledger. */
  verify(opts?: Pick<VerifyOptions, 'onProgress'>): Promise<VerifyReport>
  /** A self-contained proof of the final entry at `position`. */
  proveEntry(position: number): Promise<EntryProofJson>
}

/**
 * The operations the HTTP API serves, over one LedgerNode, with results in their JSON shape.
 * The CLI uses the same class when it opens a store itself, so both paths print the same data.
 */
export class LedgerApi implements LedgerOps {
  private hub: EventHub | null = null

  constructor(readonly node: LedgerNode) {}

  /** The node's events, entries from position `from` on (default: from the current length); close the feed when done. */
  events(from: number = this.node.length): EventFeed {
    this.hub ??= new EventHub(this.node)
    return this.hub.open(from)
  }

  async status(): Promise<StatusJson> {
    return toJson(await this.node.status())
  }

  async head(): Promise<Head> {
    return this.node.head()
  }

  /** Every metric, in the Prometheus text format. */
  async metrics(): Promise<string> {
    return this.node.metricsText()
  }

  /** Ready, or the checks this node fails (see GET /readyz). */
  readiness(): ReadinessJson {
    const failing = this.node.readiness()
    if (failing.length === 0) return { ready: true, failing: [] }
    return {
      ready: false,
      code: 'NOT_READY',
      message: `not ready: ${failing.map((f) => f.message).join('; ')}`,
      failing
    }
  }

  async verify(opts: Pick<VerifyOptions, 'onProgress'> = {}): Promise<VerifyReport> {
    return this.node.verify(opts)
  }

  async proveEntry(position: number): Promise<EntryProofJson> {
    const bytes = await this.node.proveEntry(position)
    const proof = decodeEntryProof(bytes)
    if (proof === null) throw new LedgerError('INTERNAL', 'the proof made here does not decode')
    return {
      ledger: toHex(proof.ledger),
      position,
      signedLength: proof.length,
      size: bytes.byteLength,
      proof: toHex(bytes)
    }
  }

  async entries(range: RangeOptions = {}): Promise<PageJson> {
    return toJson(await this.node.entries(range))
  }

  async exportEntries(range: RangeOptions = {}): Promise<ExportPageJson> {
    return toJson(await this.node.exportEntries(range))
  }

  async entry(position: number): Promise<EntryJson> {
    const entry = await this.node.entry(position)
    if (entry === null)
      throw new LedgerError(
        'NOT_FOUND',
        `no entry at position ${position}: the ledger has ${this.node.length}`
      )
    return toJson(entry)
  }

  async transaction(id: string, author?: string): Promise<EntryJson> {
    const entry = await this.node.transaction(id, { author })
    if (entry === null)
      throw new LedgerError(
        'NOT_FOUND',
        `no transaction ${id}${author === undefined ? '' : ` by ${author}`} here (yet): check the id, or wait for this node to sync`
      )
    return toJson(entry)
  }

  async get(key: string, at?: number): Promise<RecordJson> {
    const record = await this.node.get(key, { at })
    if (record === null)
      throw new LedgerError(
        'NOT_FOUND',
        `no record ${JSON.stringify(key)}${at === undefined ? '' : ` as of position ${at}`}`
      )
    return toJson(record)
  }

  async history(key: string, range: HistoryRange = {}): Promise<PageJson> {
    return toJson(await this.node.history(key, range))
  }

  async accountHistory(account: string, range: HistoryRange = {}): Promise<PageJson> {
    return toJson(await this.node.accountHistory(checkAccount(account), range))
  }

  async balance(account: string, at?: number): Promise<BalanceJson> {
    return toJson(await this.node.balance(checkAccount(account), { at }))
  }

  async members(at?: number): Promise<MembersJson> {
    if (at === undefined) return { members: await this.node.members() }
    return this.node.members({ at })
  }

  async diff(from: number, to: number, opts: DiffOptions = {}): Promise<DiffJson> {
    return toJson(await this.node.diff(from, to, opts))
  }

  /** Submit one or more transactions (already-parsed JSON, checked here) and wait as asked. */
  async submit(
    input: unknown,
    { wait = 'applied', timeout = DEFAULT_SUBMIT_WAIT_MS }: SubmitOptions = {}
  ): Promise<SubmitResult> {
    const list = Array.isArray(input) ? input : [input]
    if (list.length === 0)
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'no transactions: send one transaction object or a non-empty array'
      )
    if (list.length > MAX_TXS_PER_SUBMIT)
      throw new LedgerError(
        'INVALID_ARGUMENT',
        `too many transactions: at most ${MAX_TXS_PER_SUBMIT} per submit`
      )
    for (const tx of list) {
      if (typeof tx !== 'object' || tx === null || Array.isArray(tx))
        throw new LedgerError(
          'INVALID_ARGUMENT',
          'each transaction must be a JSON object with a "type"'
        )
      if (depthOver(tx, MAX_JSON_DEPTH))
        throw new LedgerError(
          'INVALID_VALUE',
          `a transaction nests deeper than ${MAX_JSON_DEPTH} levels`
        )
    }
    const deadline = Date.now() + timeout
    const receipts = await this.node.submit(list as TxInput[], {
      busyTimeout: Math.min(timeout, BUSY_WAIT_MS)
    })
    const ids = receipts.map((r) => r.id)
    if (wait !== 'none')
      await this.waitFor(ids, wait === 'final', Math.max(0, deadline - Date.now()))
    // By this node's writer key: another writer's copy of an id is never reported as ours.
    const author = this.node.writerKey
    const entries = await Promise.all(ids.map((id) => this.node.transaction(id, { author })))
    const transactions = ids.map((id, i) => ({
      id,
      entry: entries[i] === null ? null : toJson(entries[i])
    }))
    const pending = entries.filter((e) => e === null || (wait === 'final' && !e.final)).length
    return { transactions, pending }
  }

  async addWriter(
    key: string,
    { admin = false, indexer = false } = {},
    opts?: SubmitOptions
  ): Promise<SubmitResult> {
    return this.submit({ type: 'add-writer', key, role: admin ? 'admin' : 'writer', indexer }, opts)
  }

  async removeWriter(key: string, opts?: SubmitOptions): Promise<SubmitResult> {
    return this.submit({ type: 'remove-writer', key }, opts)
  }

  async createInvite(opts: CreateInviteOptions = {}): Promise<CreatedInvite> {
    return this.node.createInvite(opts)
  }

  async revokeInvite(idOrCode: string): Promise<Invite> {
    return this.node.revokeInvite(idOrCode)
  }

  async invites(): Promise<{ invites: Invite[] }> {
    return { invites: await this.node.invites() }
  }

  async peers(): Promise<Peers> {
    return this.node.peerList()
  }

  async block(swarmKey: string): Promise<Peers> {
    return this.node.block(swarmKey)
  }

  async unblock(swarmKey: string): Promise<Peers> {
    return this.node.unblock(swarmKey)
  }

  async allow(swarmKey: string): Promise<Peers> {
    return this.node.allow(swarmKey)
  }

  async disallow(swarmKey: string): Promise<Peers> {
    return this.node.disallow(swarmKey)
  }

  /** Wait until every id this node submitted has an outcome here (a final one, with `final`), or `timeout` ms pass. */
  private async waitFor(ids: string[], final: boolean, timeout: number): Promise<void> {
    const done = new Set<string>()
    const author = this.node.writerKey
    const check = async (): Promise<true | null> => {
      for (const id of ids) {
        if (done.has(id)) continue
        const entry = await this.node.transaction(id, { author })
        if (entry !== null && (entry.final || !final)) done.add(id)
      }
      return done.size === ids.length ? true : null
    }
    try {
      await this.node.waitUntil(check, timeout, `${ids.length} transaction(s)`)
    } catch (err) {
      if (!(err instanceof LedgerError && err.code === 'TIMEOUT')) throw err
    }
  }
}

function checkAccount(name: string): string {
  if (!isAccountName(name))
    throw new LedgerError(
      'INVALID_ACCOUNT',
      `no such account name ${JSON.stringify(name.slice(0, 80))}: an account is a writer key in lowercase hex or [a-z0-9][a-z0-9._-]{0,63}`
    )
  return name
}

/** Whether a parsed JSON value nests deeper than `max` (checked without recursion). */
function depthOver(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth > max) return true
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return false
}
