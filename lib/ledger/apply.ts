import b4a from 'b4a'
import type Autobase from 'autobase'
import { decodeBlock } from './block.js'
import { decodeTx, readTxHeader, validateTx, isWriterAccount } from './tx.js'
import type { Tx, Role } from './tx.js'
import { sealEntry, digest } from './entry.js'
import { StateTxn } from './state-txn.js'
import type { Meta, AccountValue, MemberValue } from './layout.js'
import { ACCEPTED, reasonTag } from './outcome.js'
import type { RejectReason } from './outcome.js'
import type { LedgerView } from './view.js'
import {
  FORMAT_VERSION,
  HISTORY_VERSION,
  MAX_AMOUNT,
  MAX_BLOCK_BYTES,
  MAX_BLOCK_TXS,
  MAX_OWNERS,
  MAX_TX_BYTES
} from './limits.js'

const EMPTY = b4a.alloc(0)
const INTERRUPT = 'INTERRUPT'

export interface ApplyOptions {
  /** Highest format version this code may activate (tests pretend to be older releases). */
  supportedVersion?: number
}

/**
 * Build autobase's apply handler. It is deterministic (no clock, randomness or local config),
 * never throws on any input, and gives every transaction exactly one recorded outcome.
 * The only way it stops is `host.interrupt` when the ledger activates a newer format version.
 */
export function createApply({ supportedVersion = FORMAT_VERSION }: ApplyOptions = {}) {
  return async function apply(
    nodes: Autobase.ApplyNode[],
    view: LedgerView,
    host: Autobase.Host
  ): Promise<void> {
    const run = new ApplyRun(view, host, supportedVersion)
    await run.start()
    for (const node of nodes) {
      // An indexer's ack carries no transactions. Autobase stores an empty value as null too, so
      // peers cannot tell an empty block from an ack: skip both, or the author alone would record it.
      if (node.value === null || node.value.byteLength === 0) continue
      if ((await run.block(node.from.key, node.length - 1, node.value)) === INTERRUPT) return
    }
    await run.finish()
  }
}

/** Where a transaction came from: its author, its block's index in the author's log, its index in that block. */
interface Source {
  author: Uint8Array
  writerSeq: number
  index: number
}

/** One outcome to record. */
interface Outcome {
  source: Source
  /** Null when the bytes have none: a rejected block, or a transaction too short to hold one. */
  id: Uint8Array | null
  /** The transaction's bytes; empty for a rejected block. */
  tx: Uint8Array
  /** Null for accepted. */
  reason: RejectReason | null
  /** What the digest covers when it is not `tx`: a rejected block's bytes. */
  whole?: Uint8Array
}

class ApplyRun {
  private readonly state: StateTxn
  private meta!: Meta
  private readonly entries: Uint8Array[] = []
  /** Previous positions of what the current transaction changed, in subjectsOf order. */
  private links: number[] = []

  constructor(
    private readonly view: LedgerView,
    private readonly host: Autobase.Host,
    private readonly supportedVersion: number
  ) {
    this.state = new StateTxn(view.state)
  }

  async start(): Promise<void> {
    this.meta = await this.state.meta()
    if (this.meta.version >= HISTORY_VERSION) await this.state.loadHistoryStart()
  }

  async finish(): Promise<void> {
    if (this.entries.length > 0) await this.view.log.append(this.entries)
    this.state.putMeta(this.meta)
    await this.state.flush()
  }

  private record({ source, id, tx, reason, whole }: Outcome): void {
    const kept = tx.byteLength <= MAX_TX_BYTES ? tx : EMPTY
    const { bytes, hash } = sealEntry({
      seq: this.meta.length,
      writer: source.author,
      writerSeq: source.writerSeq,
      index: source.index,
      id,
      tx: kept,
      digest: digest(whole ?? tx),
      outcome: reason === null ? ACCEPTED : reasonTag(reason),
      links: reason === null ? this.links : [],
      prev: this.meta.head
    })
    this.entries.push(bytes)
    this.links = []
    this.meta.length++
    this.meta.head = hash
  }

  async block(
    author: Uint8Array,
    writerSeq: number,
    value: Uint8Array
  ): Promise<void | typeof INTERRUPT> {
    if (this.meta.admins === 0 && this.meta.length === 0) {
      // Before anyone is added, the autobase accepts blocks only from its creator: make it admin.
      this.state.putMember(author, { admin: true, indexer: true, since: 0 })
      this.meta.admins = 1
    }
    if (value.byteLength > MAX_BLOCK_BYTES)
      return this.rejectBlock(author, writerSeq, value, 'TOO_LARGE')
    const block = decodeBlock(value)
    if (block.version > this.meta.version)
      return this.rejectBlock(author, writerSeq, value, 'VERSION_NOT_ACTIVE')
    if (!block.ok) return this.rejectBlock(author, writerSeq, value, 'BAD_ENCODING')
    if (block.txs.length > MAX_BLOCK_TXS)
      return this.rejectBlock(author, writerSeq, value, 'TOO_LARGE')
    for (let index = 0; index < block.txs.length; index++) {
      if ((await this.tx({ author, writerSeq, index }, block.txs[index])) === INTERRUPT)
        return INTERRUPT
    }
  }

  /** A block rejected whole makes one entry: no id, no transaction bytes, the digest of the block. */
  private rejectBlock(
    author: Uint8Array,
    writerSeq: number,
    value: Uint8Array,
    reason: RejectReason
  ): void {
    this.record({
      source: { author, writerSeq, index: 0 },
      id: null,
      tx: EMPTY,
      reason,
      whole: value
    })
  }

  private async tx(source: Source, bytes: Uint8Array): Promise<void | typeof INTERRUPT> {
    const { author } = source
    const header = readTxHeader(bytes)
    if (header === null) return this.record({ source, id: null, tx: bytes, reason: 'BAD_ENCODING' })
    const id = b4a.from(header.id) // own copy: the entry outlives the block buffer
    let reason: RejectReason | null | typeof INTERRUPT
    // Ids are scoped per author: only the same writer's earlier use makes this a duplicate. Another
    // writer reusing the id bytes writes an unrelated transaction, so copying a pending id cannot
    // displace the original.
    if (await this.state.hasTx(id, author)) {
      reason = 'DUPLICATE_ID'
    } else {
      this.state.putTx(id, author, this.meta.length)
      reason = await this.check(author, header.version, bytes)
    }
    if (reason === INTERRUPT) {
      this.host.interrupt(
        'The ledger activated a format version this release does not support: upgrade autoledger'
      )
      return INTERRUPT
    }
    this.record({ source, id, tx: bytes, reason })
  }

  private async check(
    author: Uint8Array,
    version: number,
    bytes: Uint8Array
  ): Promise<RejectReason | null | typeof INTERRUPT> {
    if (bytes.byteLength > MAX_TX_BYTES) return 'TOO_LARGE'
    if (version > this.meta.version) return 'VERSION_NOT_ACTIVE'
    const member = await this.state.member(author)
    if (member === null) return 'NOT_A_MEMBER'
    const tx = decodeTx(bytes)
    if (typeof tx === 'string') return tx
    return validateTx(tx) ?? (await this.execute(author, member, tx))
  }

  private async execute(
    author: Uint8Array,
    member: MemberValue,
    tx: Tx
  ): Promise<RejectReason | null | typeof INTERRUPT> {
    const seq = this.meta.length
    switch (tx.type) {
      case 'put':
      case 'del': {
        const previous = await this.state.record(tx.key)
        this.links.push(previous?.seq ?? -1)
        this.state.putRecord(tx.key, { value: tx.type === 'put' ? tx.value : null, seq }, previous)
        return null
      }
      case 'open-account':
        if ((await this.state.account(tx.account)) !== null) return 'ACCOUNT_EXISTS'
        this.links.push(-1)
        this.state.putAccount(tx.account, { balance: 0n, owners: [author], seq }, null)
        return null
      case 'mint': {
        if (!member.admin) return 'NOT_AUTHORIZED'
        const account = await this.account(tx.account)
        if (account === null) return 'ACCOUNT_NOT_FOUND'
        if (account.balance + tx.amount > MAX_AMOUNT || this.meta.supply + tx.amount > MAX_AMOUNT)
          return 'AMOUNT_OVERFLOW'
        this.links.push(account.seq)
        this.state.putAccount(
          tx.account,
          { ...account, balance: account.balance + tx.amount, seq },
          account
        )
        this.meta.supply += tx.amount
        return null
      }
      case 'transfer': {
        const from = await this.account(tx.from)
        if (from === null) return 'ACCOUNT_NOT_FOUND'
        if (!owns(author, tx.from, from)) return 'NOT_OWNER'
        const to = tx.to === tx.from ? from : await this.account(tx.to)
        if (to === null) return 'ACCOUNT_NOT_FOUND'
        if (from.balance < tx.amount) return 'INSUFFICIENT_FUNDS'
        this.links.push(from.seq)
        if (tx.to === tx.from) {
          this.state.putAccount(tx.from, { ...from, seq }, from)
          return null
        }
        this.links.push(to.seq)
        // No overflow check on the credit: every balance is at most the supply, which is at most MAX_AMOUNT.
        this.state.putAccount(tx.from, { ...from, balance: from.balance - tx.amount, seq }, from)
        this.state.putAccount(tx.to, { ...to, balance: to.balance + tx.amount, seq }, to)
        return null
      }
      case 'add-owner': {
        const account = await this.state.account(tx.account)
        if (account === null) return 'ACCOUNT_NOT_FOUND'
        if (!owns(author, tx.account, account)) return 'NOT_OWNER'
        if (account.owners.some((o) => b4a.equals(o, tx.key))) {
          this.links.push(account.seq)
          this.state.putAccount(tx.account, { ...account, seq }, account)
          return null
        }
        if (account.owners.length >= MAX_OWNERS) return 'TOO_MANY_OWNERS'
        this.links.push(account.seq)
        this.state.putAccount(
          tx.account,
          { ...account, owners: [...account.owners, tx.key], seq },
          account
        )
        return null
      }
      case 'add-writer': {
        if (!member.admin) return 'NOT_AUTHORIZED'
        if ((await this.state.member(tx.key)) !== null) return 'ALREADY_MEMBER'
        if (tx.invite !== null) {
          const refused = await this.useInvite(tx.invite, tx)
          if (refused !== null) return refused
        }
        await this.host.addWriter(tx.key, { indexer: tx.indexer })
        this.state.putMember(tx.key, {
          admin: tx.role === 'admin',
          indexer: tx.indexer,
          since: seq
        })
        if (tx.role === 'admin') this.meta.admins++
        return null
      }
      case 'remove-writer': {
        if (!member.admin) return 'NOT_AUTHORIZED'
        const target = await this.state.member(tx.key)
        if (target === null) return 'UNKNOWN_MEMBER'
        if (target.admin && this.meta.admins === 1) return 'LAST_ADMIN'
        if (!this.host.removeable(tx.key)) return 'LAST_INDEXER'
        await this.host.removeWriter(tx.key)
        this.state.delMember(tx.key, seq, target)
        if (target.admin) this.meta.admins--
        return null
      }
      case 'add-invite':
        if (!member.admin) return 'NOT_AUTHORIZED'
        if ((await this.state.invite(tx.invite)) !== null) return 'INVITE_EXISTS'
        this.state.putInvite(tx.invite, {
          key: tx.key,
          admin: tx.role === 'admin',
          indexer: tx.indexer,
          expires: tx.expires,
          uses: tx.uses,
          used: 0,
          by: author,
          since: seq,
          revokedAt: null
        })
        return null
      case 'revoke-invite': {
        if (!member.admin) return 'NOT_AUTHORIZED'
        const invite = await this.state.invite(tx.invite)
        if (invite === null) return 'UNKNOWN_INVITE'
        if (invite.revokedAt !== null) return 'INVITE_REVOKED'
        this.state.putInvite(tx.invite, { ...invite, revokedAt: seq })
        return null
      }
      case 'set-version':
        if (!member.admin) return 'NOT_AUTHORIZED'
        if (tx.format < this.meta.version) return 'INVALID_VERSION'
        if (tx.format > this.supportedVersion) return INTERRUPT
        if (this.meta.version < HISTORY_VERSION && tx.format >= HISTORY_VERSION)
          this.state.startHistory(seq + 1) // the state after this entry is the first one kept
        this.meta.version = tx.format
        return null
    }
  }

  /**
   * Count one use of the invite an add-writer names, or the reason it may not use it. Expiry is
   * checked against the add-writer's own timestamp: the admin's clock when it wrote it, a claim every
   * node reads the same.
   */
  private async useInvite(
    id: Uint8Array,
    grant: { role: Role; indexer: boolean; timestamp: number }
  ): Promise<RejectReason | null> {
    const invite = await this.state.invite(id)
    if (invite === null) return 'UNKNOWN_INVITE'
    if (invite.revokedAt !== null) return 'INVITE_REVOKED'
    if (invite.used >= invite.uses) return 'INVITE_USED'
    if (invite.expires !== 0 && grant.timestamp > invite.expires) return 'INVITE_EXPIRED'
    if (invite.admin !== (grant.role === 'admin') || invite.indexer !== grant.indexer)
      return 'INVITE_MISMATCH'
    this.state.putInvite(id, { ...invite, used: invite.used + 1 })
    return null
  }

  /** A writer-key account exists implicitly (balance 0, no history: seq -1); a named one only once opened. */
  private async account(name: string): Promise<AccountValue | null> {
    const account = await this.state.account(name)
    if (account !== null || !isWriterAccount(name)) return account
    return { balance: 0n, owners: [], seq: -1 }
  }
}

function owns(author: Uint8Array, name: string, account: AccountValue): boolean {
  if (account.owners.length === 0) return b4a.toString(author, 'hex') === name
  return account.owners.some((o) => b4a.equals(o, author))
}
