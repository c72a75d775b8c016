import b4a from 'b4a'
import { openEntry } from './entry.js'
import type { EntryRecord } from './entry.js'
import { decodeTx, subjectsOf } from './tx.js'
import { keys, values, decodeValue, historyPosition } from './layout.js'
import type { Codec, RecordValue, AccountValue, MemberValue } from './layout.js'
import { toHex } from './ids.js'
import type { AccountState, Change } from './results.js'
import type { LedgerView } from './view.js'

/** Entries one diff page reads at most, whatever it finds: a page may end with fewer changes than asked. */
const DIFF_SCAN = 10_000

/**
 * Reads of the state as of a past position, from the `hist/` keys (see StateTxn): a subject's value
 * as of n is its newest history key below n, one reverse range read. A subject with no history key
 * below n was last changed before history started (its live value, if set before n) or did not exist.
 */
export class HistoryReader {
  constructor(private readonly view: LedgerView) {}

  /** The position from which the state as of any position can be read, or null when the ledger keeps no history. */
  async start(): Promise<number | null> {
    const node = await this.view.state.get(keys.historyStart())
    return node?.value == null ? null : decodeValue(values.seq, node.value)
  }

  /** A record as of `at`; null if it did not exist or was deleted. */
  async record(key: string, at: number): Promise<RecordValue | null> {
    const record = await this.recordOrDeleted(key, at)
    return record === null || record.value === null ? null : record
  }

  async account(name: string, at: number): Promise<AccountValue | null> {
    return this.valueAt(keys.account(name), values.account, at)
  }

  private async recordOrDeleted(key: string, at: number): Promise<RecordValue | null> {
    return this.valueAt(keys.record(key), values.record, at)
  }

  /** One range over every member's history and one over the live members. */
  async members(at: number): Promise<Array<{ key: Uint8Array; member: MemberValue }>> {
    const prefix = keys.memberHistory()
    const latest = new Map<string, { key: Uint8Array; bytes: Uint8Array }>()
    const kept = new Set<string>()
    for await (const node of this.view.state.createReadStream(prefixRange(prefix))) {
      const key = node.key.subarray(prefix.byteLength, node.key.byteLength - 8)
      const hex = toHex(key)
      kept.add(hex)
      if (historyPosition(node.key) < at && node.value !== null)
        latest.set(hex, { key, bytes: node.value })
    }
    const members: Array<{ key: Uint8Array; member: MemberValue }> = []
    const live = keys.memberPrefix()
    for await (const node of this.view.state.createReadStream(prefixRange(live))) {
      const key = node.key.subarray(live.byteLength)
      if (kept.has(toHex(key)) || node.value === null) continue
      const member = decodeValue(values.member, node.value)
      if (member.since < at) members.push({ key, member })
    }
    for (const { key, bytes } of latest.values()) {
      if (bytes.byteLength > 0) members.push({ key, member: decodeValue(values.member, bytes) })
    }
    return members.sort((a, b) => b4a.compare(a.key, b.key))
  }

  /**
   * The records and accounts that differ between the state as of `from` and as of `to`, from the
   * entries in [cursor, to): each subject once, at its first change in [from, to) (its link points
   * below `from`), with two history reads for its values. Returns the changes and where to go on.
   */
  async diff(
    from: number,
    to: number,
    cursor: number,
    size: number
  ): Promise<{ items: Change[]; next: number | null }> {
    const items: Change[] = []
    const end = Math.min(to, cursor + DIFF_SCAN)
    let position = Math.max(cursor, from)
    for (; position < end && items.length < size; position++) {
      const bytes = await this.view.log.get(position, { wait: false })
      if (bytes === null) break
      const found: Change[] = []
      for (const [subject, link] of subjectLinks(openEntry(bytes))) {
        if (link >= from) continue
        const change = await this.change(subject, from, to)
        if (change !== null) found.push(change)
      }
      if (items.length > 0 && items.length + found.length > size) break // a page never splits an entry
      items.push(...found)
    }
    return { items, next: position < to ? position : null }
  }

  private async change(subject: string, from: number, to: number): Promise<Change | null> {
    const name = subject.slice(2)
    if (subject.startsWith('r:')) {
      const [before, after] = await Promise.all([
        this.recordOrDeleted(name, from),
        this.recordOrDeleted(name, to)
      ])
      const was = before?.value ?? null
      const is = after?.value ?? null
      if (after === null || was === is) return null
      return {
        kind: 'record',
        key: name,
        from: was === null ? null : { value: JSON.parse(was) },
        to: is === null ? null : { value: JSON.parse(is) },
        position: after.seq
      }
    }
    const [before, after] = await Promise.all([this.account(name, from), this.account(name, to)])
    if (after === null || sameAccount(before, after)) return null
    return {
      kind: 'account',
      key: name,
      from: accountState(before),
      to: accountState(after),
      position: after.seq
    }
  }

  /** A record's or an account's value as of `at` (its `seq`: the entry that set it). */
  private async valueAt<T extends { seq: number }>(
    live: Uint8Array,
    codec: Codec<T>,
    at: number
  ): Promise<T | null> {
    for await (const node of this.view.state.createReadStream({
      gte: keys.historyOf(live),
      lt: keys.history(live, at),
      reverse: true,
      limit: 1
    })) {
      return node.value === null || node.value.byteLength === 0
        ? null
        : decodeValue(codec, node.value)
    }
    const node = await this.view.state.get(live)
    if (node?.value == null) return null
    const value = decodeValue(codec, node.value)
    return value.seq < at ? value : null
  }
}

/** The subjects an accepted entry changed (see subjectsOf), each with its link: the previous entry that changed it. */
export function subjectLinks(record: EntryRecord): Array<[string, number]> {
  if (record.links.length === 0) return []
  const tx = decodeTx(record.tx)
  if (typeof tx === 'string') return []
  return subjectsOf(tx).map((subject, i) => [subject, record.links[i]])
}

function accountState(account: AccountValue | null): AccountState {
  return account === null
    ? { balance: 0n, owners: [] }
    : { balance: account.balance, owners: account.owners.map(toHex) }
}

function sameAccount(a: AccountValue | null, b: AccountValue): boolean {
  const x = accountState(a)
  const y = accountState(b)
  return x.balance === y.balance && x.owners.join() === y.owners.join()
}

export function prefixRange(prefix: Uint8Array): { gte: Uint8Array; lt: Uint8Array } {
  return { gte: prefix, lt: prefixEnd(prefix) }
}

/** The first key after every key that starts with `prefix` (prefixes here never end in 0xff). */
function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = b4a.from(prefix)
  end[end.byteLength - 1]++
  return end
}
