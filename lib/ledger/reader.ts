import b4a from 'b4a'
import { openEntry, GENESIS_HASH } from './entry.js'
import type { EntryRecord } from './entry.js'
import { HistoryReader, subjectLinks, prefixRange } from './history.js'
import { keys, values, decodeValue, EMPTY_META } from './layout.js'
import type { Meta, InviteValue, MemberValue } from './layout.js'
import { WRITER_KEY_BYTES } from './limits.js'
import { toHex } from './ids.js'
import type { TxId, WriterKey } from './ids.js'
import { presentEntry, presentInvite, presentMember } from './present.js'
import type {
  Entry,
  ExportedEntry,
  Page,
  RangeOptions,
  HistoryOptions,
  Head,
  RecordResult,
  BalanceResult,
  Invite,
  Member,
  MembersAt,
  DiffOptions,
  DiffPage
} from './results.js'
import type { LedgerView } from './view.js'

export const DEFAULT_PAGE = 100
export const MAX_PAGE = 1000

/** The highest writer key: the end of the range of one id's tx keys. */
const MAX_KEY = b4a.alloc(WRITER_KEY_BYTES, 0xff)

/** Read-only queries over the views. Every result says whether it is final. */
export class LedgerReader {
  private readonly past: HistoryReader

  constructor(private readonly view: LedgerView) {
    this.past = new HistoryReader(view)
  }

  get length(): number {
    return this.view.log.length
  }

  get finalLength(): number {
    return Math.min(this.view.log.signedLength, this.view.log.length)
  }

  async meta(): Promise<Meta> {
    const node = await this.view.state.get(keys.meta())
    return node?.value ? decodeValue(values.meta, node.value) : EMPTY_META
  }

  async head(): Promise<Head> {
    const length = this.length
    const finalLength = this.finalLength
    return {
      length,
      hash: toHex(await this.hashAt(length)),
      final: { length: finalLength, hash: toHex(await this.hashAt(finalLength)) }
    }
  }

  /** Hash of the ledger's first `length` entries (the hash of entry length - 1). */
  async hashAt(length: number): Promise<Uint8Array> {
    if (length === 0) return GENESIS_HASH
    const record = await this.record(length - 1)
    return record === null ? GENESIS_HASH : record.hash
  }

  async record(position: number): Promise<EntryRecord | null> {
    if (!Number.isSafeInteger(position) || position < 0 || position >= this.length) return null
    const bytes = await this.view.log.get(position, { wait: false })
    return bytes === null ? null : openEntry(bytes)
  }

  async entry(position: number): Promise<Entry | null> {
    const record = await this.record(position)
    return record === null ? null : presentEntry(record, record.seq < this.finalLength)
  }

  async entries(range: RangeOptions = {}): Promise<Page<Entry>> {
    return this.page(range, (p) => this.entry(p))
  }

  /** Entries with their stored bytes, in order; up to `lt` (default: the final length, the part that never changes). */
  async exported({ lt, ...range }: RangeOptions = {}): Promise<Page<ExportedEntry>> {
    return this.page({ ...range, lt: lt ?? this.finalLength, reverse: false }, async (p) => {
      const bytes = await this.view.log.get(p, { wait: false })
      if (bytes === null) return null
      const record = openEntry(bytes)
      return { ...presentEntry(record, record.seq < this.finalLength), bytes: toHex(bytes) }
    })
  }

  private async page<T>(
    { gte = 0, lt, limit, reverse = false }: RangeOptions,
    read: (position: number) => Promise<T | null>
  ): Promise<Page<T>> {
    const end = Math.min(lt ?? this.length, this.length)
    const size = pageSize(limit)
    const positions: number[] = []
    if (reverse) for (let i = end - 1; i >= gte && positions.length < size; i--) positions.push(i)
    else for (let i = Math.max(gte, 0); i < end && positions.length < size; i++) positions.push(i)
    const items = (await Promise.all(positions.map(read))).filter((e) => e !== null)
    const last = positions[positions.length - 1]
    const more = positions.length === size && (reverse ? last > gte : last + 1 < end)
    return { items, next: more ? (reverse ? last : last + 1) : null }
  }

  /**
   * The entry of a transaction id. Ids are scoped per writer: with `author`, the entry of that
   * writer's transaction with this id. Without, the first use of the id in ledger order (lowest
   * position) by any writer. Ids from the default generator (ms time + 80 random bits) do not
   * collide by accident, so that is the only one unless a writer copied the id; to find your own
   * transaction whatever others did with its id, pass its author.
   */
  async transaction(id: TxId, author?: WriterKey): Promise<Entry | null> {
    if (author !== undefined) {
      const node = await this.view.state.get(keys.tx(id, author))
      if (node?.value == null) return null
      return this.entry(decodeValue(values.seq, node.value))
    }
    const prefix = keys.txPrefix(id)
    const size = prefix.byteLength + WRITER_KEY_BYTES
    let first = -1
    // One key per writer that used the id: at most the number of members there ever were.
    for await (const node of this.view.state.createReadStream({
      gte: prefix,
      lte: b4a.concat([prefix, MAX_KEY])
    })) {
      if (node.value === null || node.key.byteLength !== size) continue
      const seq = decodeValue(values.seq, node.value)
      if (first === -1 || seq < first) first = seq
    }
    return first === -1 ? null : this.entry(first)
  }

  async get(key: string): Promise<RecordResult | null> {
    const node = await this.view.state.get(keys.record(key))
    if (node?.value == null) return null
    const record = decodeValue(values.record, node.value)
    if (record.value === null) return null
    return {
      key,
      value: JSON.parse(record.value),
      position: record.seq,
      final: record.seq < this.finalLength
    }
  }

  async history(key: string, opts: HistoryOptions = {}): Promise<Page<Entry>> {
    const node = await this.view.state.get(keys.record(key))
    const latest = node?.value == null ? -1 : decodeValue(values.record, node.value).seq
    return this.chainPage('r:' + key, latest, opts)
  }

  async accountHistory(account: string, opts: HistoryOptions = {}): Promise<Page<Entry>> {
    const node = await this.view.state.get(keys.account(account))
    const latest = node?.value == null ? -1 : decodeValue(values.account, node.value).seq
    return this.chainPage('a:' + account, latest, opts)
  }

  /**
   * Walk a subject's chain of entries newest first, from `latest` (or from just before `lt`).
   * Paging with `lt` set to the previous page's `next` costs one read per entry returned.
   */
  private async chainPage(
    subject: string,
    latest: number,
    { lt, limit }: HistoryOptions
  ): Promise<Page<Entry>> {
    const size = pageSize(limit)
    let position = latest
    if (lt !== undefined && lt <= latest) {
      const at = await this.record(lt)
      const link = at === null ? undefined : linkOf(at, subject)
      position = link ?? (await this.walkBelow(subject, latest, lt))
    }
    const items: Entry[] = []
    while (position >= 0 && items.length < size) {
      const record = await this.record(position)
      if (record === null) break
      items.push(presentEntry(record, record.seq < this.finalLength))
      position = linkOf(record, subject) ?? -1
    }
    return {
      items,
      next: position >= 0 && items.length > 0 ? items[items.length - 1].position : null
    }
  }

  /** The newest position below `lt` in a subject's chain, walking from `latest`. */
  private async walkBelow(subject: string, latest: number, lt: number): Promise<number> {
    let position = latest
    while (position >= lt) {
      const record = await this.record(position)
      position = record === null ? -1 : (linkOf(record, subject) ?? -1)
    }
    return position
  }

  async balance(account: string): Promise<BalanceResult> {
    const node = await this.view.state.get(keys.account(account))
    if (node?.value == null)
      return { account, balance: 0n, owners: [], position: null, final: true }
    const value = decodeValue(values.account, node.value)
    return {
      account,
      balance: value.balance,
      owners: value.owners.map(toHex),
      position: value.seq,
      final: value.seq < this.finalLength
    }
  }

  /** Where history starts (see HistoryReader), or null when the ledger keeps none. */
  async historyStart(): Promise<number | null> {
    return this.past.start()
  }

  /**
   * Reads as of a past position `at` (the state after entries 0 to at - 1), from the history keys.
   * The caller checks `at` against the length and `historyStart` first.
   */
  async getAt(key: string, at: number): Promise<RecordResult | null> {
    const record = await this.past.record(key, at)
    if (record === null) return null
    return {
      key,
      value: JSON.parse(record.value!),
      position: record.seq,
      final: at <= this.finalLength,
      at
    }
  }

  async balanceAt(account: string, at: number): Promise<BalanceResult> {
    const value = await this.past.account(account, at)
    return {
      account,
      balance: value?.balance ?? 0n,
      owners: value?.owners.map(toHex) ?? [],
      position: value?.seq ?? null,
      final: at <= this.finalLength,
      at
    }
  }

  async membersAt(at: number): Promise<MembersAt> {
    const finalLength = this.finalLength
    const members = (await this.past.members(at)).map(({ key, member }) =>
      presentMember(key, member, member.since < finalLength)
    )
    return { at, final: at <= finalLength, members }
  }

  async diff(
    from: number,
    to: number,
    { cursor = from, limit }: DiffOptions = {}
  ): Promise<DiffPage> {
    const final = to <= this.finalLength
    const { items, next } = await this.past.diff(from, to, cursor, pageSize(limit))
    return { from, to, final, items, next }
  }

  /** Every invite ever recorded, in id order. */
  async invites(): Promise<Invite[]> {
    const prefix = keys.invitePrefix()
    const invites: Invite[] = []
    for await (const node of this.view.state.createReadStream(prefixRange(prefix))) {
      if (node.value === null) continue
      const value = decodeValue(values.invite, node.value)
      invites.push(presentInvite(node.key.subarray(prefix.byteLength), value))
    }
    return invites
  }

  async invite(id: Uint8Array): Promise<{ invite: Invite; value: InviteValue } | null> {
    const node = await this.view.state.get(keys.invite(id))
    if (node === null || node.value === null) return null
    const value = decodeValue(values.invite, node.value)
    return { invite: presentInvite(id, value), value }
  }

  /** One member's record now, or null for a key that is not a member. */
  async member(key: Uint8Array): Promise<MemberValue | null> {
    const node = await this.view.state.get(keys.member(key))
    return node === null || node.value === null ? null : decodeValue(values.member, node.value)
  }

  async members(): Promise<Member[]> {
    const prefix = keys.memberPrefix()
    const members: Member[] = []
    for await (const node of this.view.state.createReadStream(prefixRange(prefix))) {
      if (node.value === null) continue
      const member = decodeValue(values.member, node.value)
      members.push(
        presentMember(node.key.subarray(prefix.byteLength), member, member.since < this.finalLength)
      )
    }
    return members
  }
}

/** The previous position in `subject`'s chain, from an entry that changed it; undefined if it did not. */
function linkOf(record: EntryRecord, subject: string): number | undefined {
  return subjectLinks(record).find(([s]) => s === subject)?.[1]
}

function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE
  return Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)))
}
