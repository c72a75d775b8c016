import b4a from 'b4a'
import type Autobase from 'autobase'
import type Corestore from 'corestore'
import type Hypercore from 'hypercore'
import type { LedgerView } from '../../ledger/view.js'
import { openEntry } from '../../ledger/entry.js'
import { compareLedgers } from './divergence.js'
import type { Divergence } from './divergence.js'

/** How often a node looks for the two alarms (ms). */
export const HEALTH_CHECK_INTERVAL_MS = 1000
/** A node is stalled once a connected peer has been final further ahead this long while its own final length did not move (ms). */
export const STALLED_AFTER_MS = 5000
/** How long a check waits for a signed entry this node does not hold yet (ms); after that it tries again next round. */
export const SIGNED_READ_TIMEOUT_MS = 5000

/** This node's own derivation of the ledger disagreed with the signed one. It stays raised until the node closes. */
export interface DivergedAlarm extends Divergence {
  /** When it was found (ISO time). */
  since: string
  /** This node's final length then: where its own derivation stopped being confirmed. */
  finalLength: number
  /** Whether the node has since jumped to the signed state (its final length reached `length`). A node opened without fast-forward never does. */
  followed: boolean
}

/** A connected peer is final further ahead, and this node's final length has not moved for STALLED_AFTER_MS. */
export interface StalledAlarm {
  /** Since when this node's final length has not moved while a peer was final ahead (ISO time). */
  since: string
  finalLength: number
  /** The highest final length a connected peer holds, as far as this node has verified its signature. */
  peerFinalLength: number
}

export interface Alarms {
  diverged: DivergedAlarm | null
  stalled: StalledAlarm | null
}

export type AlarmName = keyof Alarms
export type AlarmEvent =
  { name: 'diverged'; alarm: DivergedAlarm } | { name: 'stalled'; alarm: StalledAlarm }

export interface HealthMonitorOptions {
  base: Autobase<LedgerView>
  /** The store the base's cores live in: the signed log is read through a session of its own. */
  store: Corestore
  finalLength: () => number
  /**
   * Jump to the signed state on a divergence. Default true; false for a node opened without
   * fast-forward, which derives every entry itself (an audit of the signed ledger) and only raises the alarm.
   */
  follow?: boolean
  /** Default STALLED_AFTER_MS. */
  stalledAfter?: number
  onAlarm: (event: AlarmEvent) => void
  onClear: (name: AlarmName) => void
}

/**
 * Watches that this node's ledger is the signed one and keeps up with it.
 *
 * The signed ledger is the log core's default state: replication brings it from peers, verified
 * against the indexers' quorum signatures, while this node's own derivation lives in autobase's
 * batch on top. Autobase adopts the signed state only where the two agree; where they do not, its
 * commit fails (at most a warning) and the node would keep its own order, final length frozen.
 * So the monitor compares the two where both are final (below what the indexers confirmed in this
 * node's own derivation, and below the signed length) and, when they differ, raises `diverged` and
 * makes autobase jump to the signed state, which is final by definition.
 */
export class HealthMonitor {
  private readonly raised: Alarms = { diverged: null, stalled: null }
  private timer: NodeJS.Timeout | null = null
  private checking: Promise<void> | null = null
  /** A jump to the signed state under way. Not awaited on stop: it can wait on peers indefinitely, and closing the base ends it. */
  private following: Promise<void> | null = null
  private stopped = false
  private signed: Hypercore | null = null
  private lastFinal = -1
  /** A difference the last round found, raised if this round finds it again. */
  private suspect: Divergence | null = null
  private aheadSince: number | null = null

  /** Apply rounds autobase finished: a comparison that spans one is discarded. */
  private rounds = 0
  private readonly onRound = (): void => {
    this.rounds++
  }

  constructor(private readonly opts: HealthMonitorOptions) {}

  /** The alarms raised now (copies). */
  get alarms(): Alarms {
    const { diverged, stalled } = this.raised
    return {
      diverged: diverged === null ? null : this.withFollowed(diverged),
      stalled: stalled === null ? null : { ...stalled }
    }
  }

  /** A final length at or past the compared length means the node holds the signed ledger there. */
  private withFollowed(alarm: DivergedAlarm): DivergedAlarm {
    return { ...alarm, followed: this.opts.finalLength() >= alarm.length }
  }

  start(): void {
    this.opts.base.on('update', this.onRound)
    this.timer = setInterval(() => this.tick(), HEALTH_CHECK_INTERVAL_MS)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.opts.base.off('update', this.onRound)
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    await this.signed?.close() // ends a read that waits on a peer
    await this.checking
    await this.signed?.close()
  }

  private tick(): void {
    if (this.checking !== null) return
    // A round can fail while the base fast-forwards or closes underneath it: the next one tries again.
    this.checking = this.check()
      .catch(() => {})
      .finally(() => {
        this.checking = null
      })
  }

  /** One round: look for a divergence (and follow the signed state), then for a stall. */
  private async check(): Promise<void> {
    if (this.stopped || this.opts.base.interrupted !== null) return
    const signed = await this.signedLog()
    const finalLength = this.opts.finalLength()
    // Nothing new to learn while a jump is under way, or once an audit node (it does not follow) has raised the alarm.
    const settled =
      this.following !== null || (this.opts.follow === false && this.raised.diverged !== null)
    if (signed.length > finalLength && !settled) await this.checkDivergence(signed, finalLength)
    this.checkStalled(signed, this.opts.finalLength(), Date.now())
  }

  /**
   * A session on the default state of the current log core (its key changes with the indexer set),
   * decrypting as the view does on a private ledger: a session opened by key alone reads ciphertext.
   */
  private async signedLog(): Promise<Hypercore> {
    const { key, encryption } = this.opts.base.view.log
    if (this.signed !== null && b4a.equals(this.signed.key, key)) return this.signed
    await this.signed?.close()
    this.signed = this.opts.store.get({ key, active: false, encryption })
    await this.signed.ready()
    return this.signed
  }

  private async checkDivergence(signed: Hypercore, finalLength: number): Promise<void> {
    const base = this.opts.base
    const log = base.view.log
    const rounds = this.rounds
    if (base.updating) return // mid-round: the views may be half applied
    const info = await base.getIndexedInfo()
    const indexed = info?.views.find((v) => b4a.equals(v.key, log.key))
    if (indexed === undefined) return
    // Below this both are final: the signed ledger by signature, this node's own because the
    // indexers confirmed its order (autobase never reorders that part). They must be identical.
    const length = Math.min(indexed.length, signed.length, log.length)
    const found = await compareLedgers(
      (p) => ownHash(log, p),
      (p) => signedHash(signed, p),
      finalLength,
      length
    )
    if (base.updating || this.rounds !== rounds) return // autobase applied meanwhile: what was read may not be one state
    // And a difference counts only once the next check finds it again: this node's confirmed
    // entries never change, a half-applied state does.
    const suspect = this.suspect
    this.suspect = found
    if (found === null || this.stopped || suspect === null || !sameDivergence(suspect, found))
      return
    const current = this.raised.diverged
    if (current === null || finalLength >= current.length) {
      // a first divergence, or a new one after following
      const alarm: DivergedAlarm = {
        ...found,
        since: new Date().toISOString(),
        finalLength,
        followed: false
      }
      this.raised.diverged = alarm
      this.opts.onAlarm({ name: 'diverged', alarm: { ...alarm } })
    }
    if (this.opts.follow === false) return
    this.following ??= base
      .forceFastForward()
      .catch(() => {})
      .finally(() => {
        this.following = null
      })
  }

  private checkStalled(signed: Hypercore, finalLength: number, now: number): void {
    // Capped by what this node has verified, so a peer cannot raise the alarm by claiming a length.
    const peerFinal = Math.min(
      signed.length,
      Math.max(0, ...signed.peers.map((p) => p.remoteLength))
    )
    if (peerFinal <= finalLength || finalLength !== this.lastFinal) {
      this.lastFinal = finalLength
      this.aheadSince = peerFinal > finalLength ? now : null
      if (this.raised.stalled !== null) {
        this.raised.stalled = null
        this.opts.onClear('stalled')
      }
      return
    }
    this.aheadSince ??= now
    if (now - this.aheadSince < (this.opts.stalledAfter ?? STALLED_AFTER_MS)) return
    if (this.raised.stalled !== null) {
      this.raised.stalled.peerFinalLength = peerFinal
      return
    }
    const alarm: StalledAlarm = {
      since: new Date(this.aheadSince).toISOString(),
      finalLength,
      peerFinalLength: peerFinal
    }
    this.raised.stalled = alarm
    this.opts.onAlarm({ name: 'stalled', alarm: { ...alarm } })
  }
}

/** The same first differing position: the lengths compared at may have grown in between. */
function sameDivergence(a: Divergence, b: Divergence): boolean {
  return a.position === b.position
}

/** This node's own entry hash at a position, from what it holds (its own derivation is local). */
async function ownHash(log: Hypercore, position: number): Promise<Uint8Array | null> {
  return hashOf(await log.get(position, { wait: false }))
}

/** The signed entry hash at a position, fetched from peers when this node does not hold it. */
async function signedHash(signed: Hypercore, position: number): Promise<Uint8Array | null> {
  return hashOf(await signed.get(position, { timeout: SIGNED_READ_TIMEOUT_MS }).catch(() => null))
}

function hashOf(bytes: Buffer | null): Uint8Array | null {
  if (bytes === null) return null
  try {
    return openEntry(bytes).hash
  } catch {
    return null
  }
}
