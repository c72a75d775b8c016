import b4a from 'b4a'
import type Hyperbee from 'hyperbee'
import { keys, values, encodeValue, decodeValue, EMPTY_META } from './layout.js'
import type { Meta, RecordValue, AccountValue, MemberValue } from './layout.js'

/**
 * The state changes of one apply call. Reads see earlier writes of the same call through an
 * in-memory overlay; all writes go to one hyperbee batch, flushed once at the end in the order
 * the keys were first written, so every node builds the same tree.
 */
export class StateTxn {
  private readonly batch: Hyperbee.Batch
  private readonly overlay = new Map<string, { key: Uint8Array; value: Uint8Array | null }>()

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

  putRecord(key: string, record: RecordValue): void {
    this.write(keys.record(key), encodeValue(values.record, record))
  }

  async account(name: string): Promise<AccountValue | null> {
    const bytes = await this.read(keys.account(name))
    return bytes === null ? null : decodeValue(values.account, bytes)
  }

  putAccount(name: string, account: AccountValue): void {
    this.write(keys.account(name), encodeValue(values.account, account))
  }

  async member(key: Uint8Array): Promise<MemberValue | null> {
    const bytes = await this.read(keys.member(key))
    return bytes === null ? null : decodeValue(values.member, bytes)
  }

  putMember(key: Uint8Array, member: MemberValue): void {
    this.write(keys.member(key), encodeValue(values.member, member))
  }

  delMember(key: Uint8Array): void {
    this.write(keys.member(key), null)
  }

  async flush(): Promise<void> {
    for (const { key, value } of this.overlay.values()) {
      if (value === null) await this.batch.del(key)
      else await this.batch.put(key, value)
    }
    await this.batch.flush()
  }
}
