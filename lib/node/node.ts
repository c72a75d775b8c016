/**
 * LedgerNode, the library's one public class: its lifecycle and its public methods, each handing the
 * work to a module of this folder (options, status, waiting, own ids, block writing, back-pressure).
 * It runs past the project's 300 lines because it is the whole public surface: each method is a few
 * lines of hand-off, and splitting one class across files would only hide where a method lives.
 */
import { EventEmitter } from 'events'
import ReadyResource from 'ready-resource'
import Corestore from 'corestore'
import Autobase from 'autobase'
import b4a from 'b4a'
import { LedgerError } from '../errors.js'
import { createApply } from '../ledger/apply.js'
import { openView, closeView } from '../ledger/view.js'
import type { LedgerView } from '../ledger/view.js'
import { encodeTx } from '../ledger/tx.js'
import { ENCODING_VERSION, FORMAT_VERSION } from '../ledger/limits.js'
import { toHex } from '../ledger/ids.js'
import type { LedgerKey, WriterKey, SwarmKey, TxId } from '../ledger/ids.js'
import { LedgerReader } from '../ledger/reader.js'
import type {
  Entry,
  ExportedEntry,
  Page,
  RangeOptions,
  HistoryOptions,
  Head,
  RecordResult,
  BalanceResult,
  Member,
  MembersAt,
  AsOfOptions,
  DiffOptions,
  DiffPage
} from '../ledger/results.js'
import { checkAt, checkRange } from './as-of.js'
import { BlockWriter } from './block-writer.js'
import { Backlog, DEFAULT_MAX_PENDING, BUSY_WAIT_MS } from './backlog.js'
import { FinalityNudge } from './finality-nudge.js'
import { HealthMonitor } from './health/monitor.js'
import type { Alarms } from './health/monitor.js'
import { WalSync } from './wal-sync.js'
import { toTx, requireId } from './tx-input.js'
import type { TxInput, KeyInput } from './tx-input.js'
import { LedgerNetwork } from '../net/network.js'
import { proveEntry } from './prove.js'
import { repairInterruptedCreate } from './store-files.js'
import { verifyLedger } from './verify.js'
import { openScratch } from './scratch.js'
import { checkStoredEncryption } from './encryption.js'
import { parseEncryptionKey } from '../proof/decrypt.js'
import type { VerifyOptions, VerifyReport } from './verify.js'
import { DEFAULT_ACK_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS } from './options.js'
import type {
  LedgerNodeOptions,
  LedgerNodeEvents,
  Receipt,
  SubmitOptions,
  TransactionOptions,
  WaitForTransactionOptions
} from './options.js'
import { readStatus } from './status.js'
import type { Peers, Status } from './status.js'
import { waitFor } from './wait.js'
import { OwnIds } from './own-ids.js'
import { FastForwardPolicy, LIVE_FAST_FORWARD_MINIMUM } from './fast-forward.js'
import { NodeMetrics } from './metrics.js'
import { failedChecks } from './readiness.js'
import type { FailedCheck } from './readiness.js'
import { appliedWriters } from './applied.js'
import { InviteDesk } from './invite-desk.js'
import { createInvite, revokeInvite, admitByInvite, inviteIdOf, pairWithInvite } from './invites.js'
import type { CreateInviteOptions, CreatedInvite, PairOptions } from './invites.js'
import type { Invite } from '../ledger/results.js'

export interface LedgerNode {
  on<E extends keyof LedgerNodeEvents>(event: E, listener: LedgerNodeEvents[E]): this
  once<E extends keyof LedgerNodeEvents>(event: E, listener: LedgerNodeEvents[E]): this
  off<E extends keyof LedgerNodeEvents>(event: E, listener: LedgerNodeEvents[E]): this
  emit<E extends keyof LedgerNodeEvents>(
    event: E,
    ...args: Parameters<LedgerNodeEvents[E]>
  ): boolean
}

/**
 * One ledger node: its own writer core in a corestore, the autobase that linearizes every
 * writer, the derived views, and (optionally) the swarm it replicates over.
 */
export class LedgerNode extends ReadyResource {
  private readonly opts: LedgerNodeOptions
  private store: Corestore | null = null
  private ownsStore = false
  private _base: Autobase<LedgerView> | null = null
  private _reader: LedgerReader | null = null
  private writer: BlockWriter | null = null
  private backlog: Backlog | null = null
  private network: LedgerNetwork | null = null
  private nudge: FinalityNudge | null = null
  private health: HealthMonitor | null = null
  private fastForwardPolicy: FastForwardPolicy | null = null
  private metrics: NodeMetrics | null = null
  private inviteDesk: InviteDesk | null = null
  /** The base stopped on an error. */
  private failed = false
  private lastLength = 0
  private lastFinal = 0
  private reorders = 0
  /** Ids (hex) this node submitted since it opened, oldest first, at most REMEMBERED_IDS. */
  private readonly ownIds = new OwnIds()
  /** Fires on anything `waitUntil` conditions may depend on: applies, reorders, role changes. */
  private readonly changes = new EventEmitter().setMaxListeners(0) // one listener per pending wait

  constructor(opts: LedgerNodeOptions) {
    super()
    this.opts = opts
  }

  get base(): Autobase<LedgerView> {
    if (this._base === null) throw new LedgerError('CLOSED', 'the node is not open')
    return this._base
  }

  private get reader(): LedgerReader {
    if (this._reader === null) throw new LedgerError('CLOSED', 'the node is not open')
    return this._reader
  }

  get key(): LedgerKey & Buffer {
    return this.base.key as LedgerKey & Buffer
  }
  get discoveryKey(): Buffer {
    return this.base.discoveryKey
  }
  get writerKey(): WriterKey & Buffer {
    return this.base.local.key as WriterKey & Buffer
  }
  get writable(): boolean {
    return this.base.writable
  }
  /** Whether the ledger is private: its blocks are encrypted (see LedgerNodeOptions.encryptionKey). */
  get encrypted(): boolean {
    return this.base.encryptionKey !== null
  }
  /** A private ledger's encryption key, or null. Secret: anyone holding it can read the ledger. */
  get encryptionKey(): Buffer | null {
    return this.base.encryptionKey
  }
  /** Key of the state hyperbee (the queryable view). */
  get viewKey(): Buffer {
    return this.base.view.state.core.key
  }
  get length(): number {
    return this.reader.length
  }
  get finalLength(): number {
    return this.reader.finalLength
  }
  get peers(): number {
    return this.network?.peers ?? 0
  }
  /** This node's key on the swarm (the same after a restart), or null when it replicates by hand. */
  get swarmKey(): (SwarmKey & Buffer) | null {
    return this.network?.publicKey ?? null
  }
  /** The UDP port of this node's DHT socket, or null without a network. */
  get dhtPort(): number | null {
    return this.network?.port ?? null
  }

  async _open(): Promise<void> {
    const {
      storage,
      key,
      ackInterval = DEFAULT_ACK_INTERVAL_MS,
      fastForward = true,
      durable = true
    } = this.opts
    this.ownsStore = typeof storage === 'string'
    if (typeof storage === 'string') await repairInterruptedCreate(storage)
    this.store = typeof storage === 'string' ? new Corestore(storage) : storage
    try {
      const bootstrap =
        key === undefined || key === null ? null : requireId('ledger key', key, 'ledger key')
      const encryptionKey = this.opts.encryptionKey
        ? parseEncryptionKey(this.opts.encryptionKey)
        : null
      const namespace = this.store.namespace('autoledger')
      await checkStoredEncryption(namespace, encryptionKey)
      const base = new Autobase<LedgerView>(namespace, bootstrap, {
        ...(encryptionKey === null ? {} : { encryptionKey }),
        open: openView,
        apply: this.timed(this.createApply()),
        close: closeView,
        ackInterval,
        fastForward,
        fastForwardMinimum: LIVE_FAST_FORWARD_MINIMUM
      })
      this._base = base
      base.on('error', (err: Error) => this.fail(err))
      base.on('writable', () => this.emit('writable'))
      base.on('interrupt', (reason: string) => this.emit('upgrade-required', reason))
      base.on('update', () => this.onUpdate())
      base.on('unwritable', () => {
        this.backlog?.clear()
        this.metrics?.unwritable()
      })
      for (const event of [
        'update',
        'writable',
        'unwritable',
        'is-indexer',
        'is-non-indexer',
        'interrupt'
      ]) {
        base.on(event, () => this.changes.emit('change'))
      }
      await base.ready()
      this._reader = new LedgerReader(base.view)
      base.view.log.on('truncate', (length: number) => this.onTruncate(length))
      this.downloadAll()
      base.on('fast-forward', () => {
        this.downloadAll()
        this.metrics?.fastForward()
        this.emit('fast-forward')
      })
      this.lastLength = this.reader.length
      this.lastFinal = this.reader.finalLength
      this.metrics = this.createMetrics(base, this.store)
      this.backlog = new Backlog(
        base.view.log,
        base.local.key,
        () => this.reader.finalLength,
        () => this.changes.emit('change'),
        (writerLength) => this.metrics?.ownFinal(writerLength)
      )
      const walSync = durable ? new WalSync(this.store) : null
      this.writer = new BlockWriter(
        (blocks, txs) => this.append(blocks, txs),
        walSync === null ? null : () => walSync.sync()
      )
      this.nudge = new FinalityNudge(
        base,
        () => ({ length: this.reader.length, finalLength: this.reader.finalLength }),
        ackInterval
      )
      this.nudge.start()
      this.health = new HealthMonitor({
        base,
        store: this.store,
        finalLength: () => this.reader.finalLength,
        follow: fastForward,
        stalledAfter: this.opts.stalledAfter,
        onAlarm: (event) => this.emit('alarm', event),
        onClear: (name) => this.emit('alarm-cleared', name)
      })
      this.health.start()
      if (fastForward) {
        this.fastForwardPolicy = new FastForwardPolicy(base, this.store)
        this.fastForwardPolicy.start()
      }
      if (b4a.equals(base.key, base.local.key) && base.local.length === 0) {
        if (this.opts.mirror === true)
          throw new LedgerError(
            'INVALID_ARGUMENT',
            'a mirror follows an existing ledger: give the ledger key to mirror'
          )
        // A new ledger: entry 0 activates this release's format (or the older one it is held to),
        // and makes its creator admin.
        const format = Math.min(this.supportedVersion, FORMAT_VERSION)
        await this.writer.write([encodeTx(toTx({ type: 'set-version', format }, ENCODING_VERSION))])
      }
      if (this.opts.network) {
        const keyPair = await this.store.createKeyPair('autoledger-swarm')
        const blocked = (this.opts.blocked ?? []).map(swarmKeyHex)
        const onPeers = (peers: number, added: boolean): void => {
          this.emit(added ? 'peer-add' : 'peer-remove', { peers })
        }
        this.network = new LedgerNetwork({
          base,
          network: this.opts.network,
          keyPair,
          blocked,
          allow: this.opts.allow?.map(swarmKeyHex) ?? null,
          secret: this.opts.requireSecret === false ? null : this.encryptionKey,
          // A joining node holds no secret until an admin answers its invite: let it stay to pair.
          admitStranger: () => this.inviteDesk?.hasOpenInvites ?? false,
          onPeers
        })
        this.network.join()
        this.metrics.attachSwarm(this.network.swarm)
        this.inviteDesk = this.openInviteDesk(this.network.swarm)
      }
    } catch (err) {
      await this.teardown()
      throw err
    }
  }

  async _close(): Promise<void> {
    await this.writer?.drained()
    await this.backlog?.idle()
    await this.teardown()
  }

  /** Autobase's apply handler. Internal: tests override it to open a node whose derivation differs. */
  protected createApply(): Autobase.Options<LedgerView>['apply'] {
    return createApply({ supportedVersion: this.supportedVersion })
  }

  /**
   * The apply handler, timed for the metrics: how long each call takes, and how far it applied
   * this node's own blocks. Only read after the handler returns: its results are untouched.
   */
  private timed(
    apply: Autobase.Options<LedgerView>['apply']
  ): Autobase.Options<LedgerView>['apply'] {
    return async (nodes, view, host) => {
      const started = performance.now()
      try {
        await apply(nodes, view, host)
      } finally {
        const own = this._base?.local.key
        if (this.metrics !== null && own !== undefined) {
          let ownLength = 0
          for (const node of nodes)
            if (b4a.equals(node.from.key, own)) ownLength = Math.max(ownLength, node.length)
          this.metrics.applied((performance.now() - started) / 1000, ownLength)
        }
      }
    }
  }

  private createMetrics(base: Autobase<LedgerView>, store: Corestore): NodeMetrics {
    return new NodeMetrics({
      store,
      log: () => base.view.log,
      length: () => this.length,
      finalLength: () => this.finalLength,
      pending: () => this.pending,
      peers: () => this.peers,
      alarms: () => this.alarms,
      upgradeRequired: () => base.interrupted,
      ready: () => this.readiness().length === 0,
      writers: async () =>
        (await appliedWriters(base))
          .filter((w) => !w.isRemoved)
          .map((w) => ({
            key: toHex(w.key),
            length: base.activeWriters.get(w.key)?.core.length ?? w.length,
            applied: w.length
          }))
    })
  }

  private get supportedVersion(): number {
    return this.opts.formatVersion ?? FORMAT_VERSION
  }

  private openInviteDesk(swarm: LedgerNetwork['swarm']): InviteDesk {
    return new InviteDesk({
      swarm,
      discoveryKey: this.base.discoveryKey,
      invite: async (id) => (await this.reader.invite(id))?.value ?? null,
      invites: () => this.reader.invites(),
      isAdmin: async () => (await this.reader.member(this.writerKey))?.admin === true,
      isMember: async (key) => (await this.reader.member(key)) !== null,
      admit: (key, id, invite) => admitByInvite(this, key, id, invite),
      allowPeer: async (swarmKey) => {
        if (this.network?.allowed() !== null) await this.network?.allow(toHex(swarmKey))
      },
      grant: () => ({ key: this.key, encryptionKey: this.encryptionKey }),
      onUse: (use) => this.emit('invite-use', use)
    })
  }

  private async teardown(): Promise<void> {
    this.nudge?.stop()
    await this.health?.stop()
    await this.fastForwardPolicy?.stop()
    await this.metrics?.stop()
    await this.network?.close()
    await this.inviteDesk?.close() // after the DHT: its close waits for the lookups in flight, which that ends
    await this._base?.close()
    if (this.ownsStore) await this.store?.close()
  }

  /**
   * A full node keeps the whole ledger: fetch every entry and state block peers have, and keep
   * fetching as the ledger grows. Without this a node that fast-forwarded (autobase does on restart
   * even when one entry behind) holds only what it has read, and offline reads of the rest would wait.
   */
  private downloadAll(): void {
    const { log, state } = this.base.view
    log.download({ start: 0, end: -1 })
    state.core.download({ start: 0, end: -1 })
  }

  private async append(blocks: Uint8Array[], txs: number): Promise<void> {
    try {
      // Final entries never move, so the blocks land at or above the final length of now.
      const finalBefore = this.reader.finalLength
      const end = await this.base.append(blocks)
      // Autobase's append can resolve before the blocks are in the local core (its update loop gives
      // up after 16 rounds while this writer is busy); acknowledge only once they are written.
      while (this.base.local.length < end) {
        if (this.base.closed || this.closing)
          throw new LedgerError('CLOSED', 'the node closed before the block was written')
        await this.base.update()
      }
      this.backlog!.added(end, txs, finalBefore)
    } catch (err) {
      if (this.base.writable) throw err
      throw new LedgerError(
        'NOT_WRITABLE',
        'this node was removed from the writers before its block was written',
        { cause: err }
      )
    }
  }

  private fail(err: Error): void {
    this.failed = true
    if (this.listenerCount('error') > 0) this.emit('error', err)
  }

  private onTruncate(length: number): void {
    this.reorders++
    this.metrics?.reorder()
    this.lastLength = length // so that 'update' fires once the tail is applied again, even at the same length
    this.emit('reorder', { length })
    this.changes.emit('change')
  }

  private onUpdate(): void {
    if (this._reader === null) return
    const length = this._reader.length
    const finalLength = this._reader.finalLength
    if (length === this.lastLength && finalLength === this.lastFinal) return
    this.metrics?.update(length, finalLength)
    this.lastLength = length
    if (finalLength > this.lastFinal) {
      this.backlog?.finalized()
      this.emit('final', { length: finalLength })
    }
    this.lastFinal = finalLength
    this.emit('update', { length, finalLength })
  }

  /**
   * Submit one transaction or several. Each is checked first (a LedgerError with the rejection
   * code if it could never be accepted), then packed with others into a block; the promise
   * resolves once the block is in the local log (and synced to disk, unless `durable` is false).
   * The outcome comes when the ledger applies it.
   */
  submit(tx: TxInput, opts?: SubmitOptions): Promise<Receipt>
  submit(txs: TxInput[], opts?: SubmitOptions): Promise<Receipt[]>
  async submit(
    input: TxInput | TxInput[],
    { busyTimeout = BUSY_WAIT_MS }: SubmitOptions = {}
  ): Promise<Receipt | Receipt[]> {
    if (this.closing) throw new LedgerError('CLOSED', 'the node is closing')
    if (!this.opened) await this.ready()
    if (this.base.interrupted) throw new LedgerError('UPGRADE_REQUIRED', this.base.interrupted)
    if (this.opts.mirror === true)
      throw new LedgerError(
        'READ_ONLY_MIRROR',
        'this node is a read-only mirror: it serves reads only; submit to a writer node of the ledger'
      )
    if (!this.base.writable)
      throw new LedgerError(
        'NOT_WRITABLE',
        'this node is not a writer yet: an admin must add its writer key ' + toHex(this.writerKey)
      )
    const submittedAt = Date.now()
    const list = Array.isArray(input) ? input : [input]
    const txs = list.map((t) => toTx(t, ENCODING_VERSION))
    await this.untilBacklogUnder(this.opts.maxPending ?? DEFAULT_MAX_PENDING, busyTimeout)
    await this.writer!.write(txs.map(encodeTx))
    this.metrics?.submitted(this.base.local.length, txs.length, submittedAt)
    const author = toHex(this.writerKey)
    const receipts = txs.map((t) => ({ id: toHex(t.id), author }))
    for (const { id } of receipts) this.ownIds.remember(id)
    return Array.isArray(input) ? receipts : receipts[0]
  }

  /** The alarms raised now: see `Status.diverged` and `Status.stalled`. */
  get alarms(): Alarms {
    return this.health?.alarms ?? { diverged: null, stalled: null }
  }

  /** How many of this node's own transactions are written but not final yet. */
  get pending(): number {
    return this.backlog?.size ?? 0
  }

  /** Wait while `max` or more of this node's own transactions are not final (see `maxPending`). */
  private async untilBacklogUnder(max: number, timeout: number): Promise<void> {
    if (this.pending < max) return
    try {
      await this.waitUntil(
        async () => (this.pending < max || this.closing ? true : null),
        timeout,
        'the backlog'
      )
    } catch (err) {
      if (!(err instanceof LedgerError) || err.code !== 'TIMEOUT') throw err
      throw new LedgerError(
        'BUSY',
        `${this.pending} transactions of this node are waiting to be final (at most ${max} may): its indexers are behind or out of reach; retry later`
      )
    }
    if (this.closing) throw new LedgerError('CLOSED', 'the node is closing')
  }

  async entry(position: number): Promise<Entry | null> {
    return this.reader.entry(position)
  }
  async entries(opts?: RangeOptions): Promise<Page<Entry>> {
    return this.reader.entries(opts)
  }
  /** The entry of a transaction, or null; see TransactionOptions for which one an id names. */
  async transaction(id: KeyInput, opts: TransactionOptions = {}): Promise<Entry | null> {
    const { idBytes, author } = this.lookup(id, opts)
    return this.reader.transaction(idBytes, author)
  }
  /** A record now, or as of position `at` (null if it did not exist then). */
  async get(key: string, { at }: AsOfOptions = {}): Promise<RecordResult | null> {
    if (at === undefined) return this.reader.get(key)
    return this.reader.getAt(key, await checkAt(this.reader, at))
  }
  async history(key: string, opts?: HistoryOptions): Promise<Page<Entry>> {
    return this.reader.history(key, opts)
  }
  async accountHistory(account: string, opts?: HistoryOptions): Promise<Page<Entry>> {
    return this.reader.accountHistory(account, opts)
  }
  async balance(account: string, { at }: AsOfOptions = {}): Promise<BalanceResult> {
    if (at === undefined) return this.reader.balance(account)
    return this.reader.balanceAt(account, await checkAt(this.reader, at))
  }
  /** The records and accounts that differ between the state as of `from` and as of `to`, a page at a time. */
  async diff(from: number, to: number, opts: DiffOptions = {}): Promise<DiffPage> {
    await checkRange(this.reader, from, to, opts.cursor)
    return this.reader.diff(from, to, opts)
  }
  /** Entries with their stored bytes, for an archive anyone can check; up to the final length unless `lt` says otherwise. */
  async exportEntries(range?: RangeOptions): Promise<Page<ExportedEntry>> {
    return this.reader.exported(range)
  }
  /** The members now; with `at`, as of that position. */
  members(): Promise<Member[]>
  members(opts: { at: number }): Promise<MembersAt>
  async members({ at }: AsOfOptions = {}): Promise<Member[] | MembersAt> {
    if (at === undefined) return this.reader.members()
    return this.reader.membersAt(await checkAt(this.reader, at))
  }
  async head(): Promise<Head> {
    return this.reader.head()
  }

  /** Every invite the ledger records, used, revoked and expired ones too. */
  async invites(): Promise<Invite[]> {
    return this.reader.invites()
  }
  /** One invite by id (hex or bytes) or by its code, or null. */
  async invite(idOrCode: KeyInput): Promise<Invite | null> {
    return (await this.reader.invite(inviteIdOf(idOrCode)))?.invite ?? null
  }

  /**
   * Record an invite (admins only) and return it with its code: hand the code to the operator of
   * a new node, who runs `LedgerNode.join(code, ...)` (or `autoledger join --invite`). While this
   * node is on the network, it answers the invite itself: it adds the joining node as a writer with
   * the invite's role, by an add-writer that names the invite.
   */
  async createInvite(opts?: CreateInviteOptions): Promise<CreatedInvite> {
    if (!this.opened) await this.ready()
    const created = await createInvite(this, opts)
    this.inviteDesk?.refresh()
    return created
  }

  /** Revoke an invite by id or code (admins only): no node can join by it any more. */
  async revokeInvite(idOrCode: KeyInput): Promise<Invite> {
    if (!this.opened) await this.ready()
    return revokeInvite(this, idOrCode)
  }

  /**
   * Join a ledger by an invite code: pair with an admin over the swarm, open the node on the
   * ledger it names, and resolve once an admin has added it as a writer. Throws INVALID_INVITE,
   * INVITE_EXPIRED, INVITE_USED or INVITE_REVOKED as the admin answers, INVITE_UNANSWERED if none
   * does in time; the store is then left as it was.
   */
  static async join(
    code: string,
    opts: Omit<LedgerNodeOptions, 'key' | 'network'> & Pick<PairOptions, 'network' | 'timeout'>
  ): Promise<LedgerNode> {
    const { timeout, ...options } = opts
    const paired = await pairWithInvite(code, {
      storage: opts.storage,
      network: opts.network,
      timeout
    })
    const node = new LedgerNode({
      ...options,
      key: paired.key,
      encryptionKey: paired.encryptionKey
    })
    try {
      await node.ready()
      await node.waitUntil(
        async () => (node.writable ? true : null),
        timeout,
        'an admin to add this node'
      )
    } catch (err) {
      await node.close()
      throw err
    }
    return node
  }

  /**
   * Wait until the transaction has an outcome here (and, with `final`, until that outcome is final).
   * For an id this node submitted, that is its own transaction's outcome (see TransactionOptions).
   */
  async waitForTransaction(
    id: KeyInput,
    { final = false, timeout = DEFAULT_WAIT_TIMEOUT_MS, ...opts }: WaitForTransactionOptions = {}
  ): Promise<Entry> {
    const { idBytes, author } = this.lookup(id, opts)
    return this.waitUntil(
      async () => {
        const entry = await this.reader.transaction(idBytes, author)
        return entry !== null && (entry.final || !final) ? entry : null
      },
      timeout,
      `transaction ${toHex(idBytes)}${author === undefined ? '' : ' by ' + toHex(author)}${final ? ' to be final' : ''}`
    )
  }

  /** The id and the author to look it up by: the given one, this node for an id it submitted, or none. */
  private lookup(
    id: KeyInput,
    { author }: TransactionOptions
  ): { idBytes: TxId; author: WriterKey | undefined } {
    const idBytes = requireId('tx id', id, 'id')
    if (author !== undefined && author !== null)
      return { idBytes, author: requireId('writer key', author, 'author') }
    return { idBytes, author: this.ownIds.has(toHex(idBytes)) ? this.writerKey : undefined }
  }

  /** Resolve with the first non-null result of `check`, re-run after every ledger or role change. */
  async waitUntil<T>(
    check: () => Promise<T | null>,
    timeout = DEFAULT_WAIT_TIMEOUT_MS,
    what = 'condition'
  ): Promise<T> {
    return waitFor([this.changes], ['change'], check, timeout, what)
  }

  /** Fetch what connected peers have and apply it. */
  async update(): Promise<void> {
    await this.base.update()
  }

  /** Replicate with a peer over a stream (or create one): for setups without the built-in swarm. */
  replicate(isInitiatorOrStream: boolean | unknown): unknown {
    return this.base.replicate(isInitiatorOrStream)
  }

  /** Connected, blocked and allowed peers, by swarm key. */
  peerList(): Peers {
    const network = this.requireNetwork()
    return {
      swarmKey: toHex(network.publicKey),
      connected: network.peerKeys(),
      blocked: network.blocked(),
      allowed: network.allowed()
    }
  }

  /** Stop replicating with a peer (by swarm key): its connections drop and it cannot reconnect until `unblock`. */
  async block(swarmKey: KeyInput): Promise<Peers> {
    await this.requireNetwork().block(swarmKeyHex(swarmKey))
    return this.peerList()
  }

  unblock(swarmKey: KeyInput): Peers {
    this.requireNetwork().unblock(swarmKeyHex(swarmKey))
    return this.peerList()
  }

  /** Put a peer (by swarm key) on the allowlist; the first one turns the list on, dropping every other peer. */
  async allow(swarmKey: KeyInput): Promise<Peers> {
    await this.requireNetwork().allow(swarmKeyHex(swarmKey))
    return this.peerList()
  }

  /** Take a peer off the allowlist and drop it. */
  async disallow(swarmKey: KeyInput): Promise<Peers> {
    await this.requireNetwork().disallow(swarmKeyHex(swarmKey))
    return this.peerList()
  }

  private requireNetwork(): LedgerNetwork {
    if (this.network === null)
      throw new LedgerError(
        'NO_NETWORK',
        'this node is not on the network: peers exist only for a node opened with `network` (a running daemon)'
      )
    return this.network
  }

  /**
   * Re-derive the ledger from the writer logs from scratch (a scratch store, no network, no
   * fast-forward) and compare it with this node's final ledger: see `verifyLedger`. A node on the
   * network first fetches writer blocks it lacks from its peers.
   */
  async verify(opts: VerifyOptions = {}): Promise<VerifyReport> {
    if (!this.opened) await this.ready()
    return verifyLedger(
      {
        base: this.base,
        finalLength: this.finalLength,
        canFetch: this.network !== null,
        openScratch: (dir) => openScratch(this.base, this.key, this.encryptionKey, dir)
      },
      opts
    )
  }

  /**
   * A self-contained proof that the final entry at `position` is in the ledger: check it anywhere
   * with `verifyEntryProof(ledgerKey, bytes)`, no store or network needed. Throws
   * PROOF_UNAVAILABLE for an entry that is not final yet.
   */
  async proveEntry(position: number): Promise<Uint8Array> {
    if (!this.opened) await this.ready()
    return proveEntry(this.base, position, this.finalLength)
  }

  /** Resolves once the node is announced on the DHT and has looked up current peers. */
  async flushed(): Promise<void> {
    await this.network?.flushed()
  }

  /** The checks this node fails now (see GET /readyz); empty when it is ready. */
  readiness(): FailedCheck[] {
    return failedChecks({
      open: this.opened && !this.closing,
      announced: this.network === null ? null : this.network.announced,
      failed: this.failed,
      upgradeRequired: this._base?.interrupted ?? null,
      ...this.alarms
    })
  }

  /** Every metric in the Prometheus text format (see the README's Metrics). */
  async metricsText(): Promise<string> {
    if (this.metrics === null) throw new LedgerError('CLOSED', 'the node is not open')
    return this.metrics.text()
  }

  async status(): Promise<Status> {
    return readStatus(this.base, this.reader, {
      peers: this.peers,
      pending: this.pending,
      reorders: this.reorders,
      alarms: this.alarms,
      mirror: this.opts.mirror === true
    })
  }
}

function swarmKeyHex(key: KeyInput): string {
  return toHex(requireId('swarm key', key, 'swarm key'))
}
