import b4a from 'b4a'
import type Hyperbee from 'hyperbee'
import { keys, values, encodeValue, decodeValue, EMPTY_META } from './layout.js'
import type { Meta, RecordValue, AccountValue, MemberValue, InviteValue, Codec } from './layout.js'

const REMOVED = b4a.alloc(0)

/**
 * The state changes of one apply call. Reads see earlier writes of the same call through an
 * in-memory overlay; all writes go to one hyperbee batch, flushed once at the end in the order
 * the keys were first written, so every node builds the same tree.
 *
 * Once the ledger keeps history (format version 2), every change of a record, an account or a
 * member also writes the subject's new value under its `hist/` key at the entry's position. The
 * first change after history started also keeps the value the subject had before, at the position
 * that set it, so a subject last changed before the start still has its whole history from there.
 */
export class StateTxn {
  private readonly batch: Hyperbee.Batch
  private readonly overlay = new Map<string, { key: Uint8Array; value: Uint8Array | null }>()
  /** Where history starts, or null while the ledger keeps none. */
  private historyFrom: number | null = null

  constructor(bee: Hyperbee) {
    this.batch = bee.batch()
  }

  private async read(key: Uint8Array): Promise<Uint8Array | null> {
    const pending = this.overlay.get(b4a.toString(key, 'hex'))
    if (pending !== undefined) return pending.value
    const node = await this.batch.get(key)
    return node === null ? null : node.value
  }

  private write(key: Uint8Array, value: Uint8Array | null): void {
    this.overlay.set(b4a.toString(key, 'hex'), { key, value })
  }

  async meta(): Promise<Meta> {
    const bytes = await this.read(keys.meta())
    return bytes === null ? { ...EMPTY_META } : decodeValue(values.meta, bytes)
  }

  /** Read where history starts (call once, before any change). */
  async loadHistoryStart(): Promise<void> {
    const bytes = await this.read(keys.historyStart())
    this.historyFrom = bytes === null ? null : decodeValue(values.seq, bytes)
  }

  /** Keep history from `position` on (format version 2 activating). */
  startHistory(position: number): void {
    this.historyFrom = position
    this.write(keys.historyStart(), encodeValue(values.seq, position))
  }

  putMeta(meta: Meta): void {
    this.write(keys.meta(), encodeValue(values.meta, meta))
  }

  /** Whether `author` already used this id (ids are scoped per writer). */
  async hasTx(id: Uint8Array, author: Uint8Array): Promise<boolean> {
    return (await this.read(keys.tx(id, author))) !== null
  }

  putTx(id: Uint8Array, author: Uint8Array, seq: number): void {
    this.write(keys.tx(id, author), encodeValue(values.seq, seq))
  }

  async record(key: string): Promise<RecordValue | null> {
    const bytes = await this.read(keys.record(key))
    return bytes === null ? null : decodeValue(values.record, bytes)
  }

  /** `before`: the record's value until now (null if it never existed). */
  putRecord(key: string, record: RecordValue, before: RecordValue | null): void {
    const live = keys.record(key)
    const bytes = encodeValue(values.record, record)
    this.write(live, bytes)
    this.keep(live, record.seq, bytes, values.record, before, before?.seq)
  }

  async account(name: string): Promise<AccountValue | null> {
    const bytes = await this.read(keys.account(name))
    return bytes === null ? null : decodeValue(values.account, bytes)
  }

  /** `before`: the account until now (null, or seq -1, if it was never stored). */
  putAccount(name: string, account: AccountValue, before: AccountValue | null): void {
    const live = keys.account(name)
    const bytes = encodeValue(values.account, account)
    this.write(live, bytes)
    this.keep(live, account.seq, bytes, values.account, before, before?.seq)
  }

  async member(key: Uint8Array): Promise<MemberValue | null> {
    const bytes = await this.read(keys.member(key))
    return bytes === null ? null : decodeValue(values.member, bytes)
  }

  /** A new member, added by the entry at `member.since`. */
  putMember(key: Uint8Array, member: MemberValue): void {
    const live = keys.member(key)
    const bytes = encodeValue(values.member, member)
    this.write(live, bytes)
    this.keep(live, member.since, bytes, values.member, null, undefined)
  }

  /** Remove `before`, a member, by the entry at `position`. */
  delMember(key: Uint8Array, position: number, before: MemberValue): void {
    const live = keys.member(key)
    this.write(live, null)
    this.keep(live, position, REMOVED, values.member, before, before.since)
  }

  async invite(id: Uint8Array): Promise<InviteValue | null> {
    const bytes = await this.read(keys.invite(id))
    return bytes === null ? null : decodeValue(values.invite, bytes)
  }

  putInvite(id: Uint8Array, invite: InviteValue): void {
    this.write(keys.invite(id), encodeValue(values.invite, invite))
  }

  private keep<T>(
    live: Uint8Array,
    position: number,
    bytes: Uint8Array,
    codec: Codec<T>,
    before: T | null,
    beforeAt: number | undefined
  ): void {
    if (this.historyFrom === null) return
    if (before !== null && beforeAt !== undefined && beforeAt >= 0 && beforeAt < this.historyFrom)
      this.write(keys.history(live, beforeAt), encodeValue(codec, before))
    this.write(keys.history(live, position), bytes)
  }

  async flush(): Promise<void> {
    for (const { key, value } of this.overlay.values()) {
      if (value === null) await this.batch.del(key)
      else await this.batch.put(key, value)
    }
    await this.batch.flush()
  }
}
