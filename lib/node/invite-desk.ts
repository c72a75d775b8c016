import BlindPairing from 'blind-pairing'
import type Hyperswarm from 'hyperswarm'
import b4a from 'b4a'
import { toHex } from '../ledger/ids.js'
import type { InviteValue } from '../ledger/layout.js'
import type { Invite } from '../ledger/results.js'
import type { RejectReason } from '../ledger/outcome.js'

/** An admin looks for joining nodes' requests on the DHT this often, besides the ones peers send it directly (ms). */
const MEMBER_POLL_MS = 60_000

/** How often an admin re-reads whether the ledger holds an invite someone could still use (ms). */
const OPEN_INVITES_REFRESH_MS = 5000

/** blind-pairing's refusal statuses. */
const REFUSED = 1
const USED = 2
const EXPIRED = 3

/** How an invite's use ended, for the node's `invite-use` event. */
export interface InviteUse {
  invite: string
  writer: string
  /** The joining node's key on the swarm (hex). */
  swarmKey: string
  outcome: 'admitted' | RejectReason
}

export interface InviteDeskOptions {
  swarm: Hyperswarm
  discoveryKey: Uint8Array
  /** The invite recorded under this id, or null. */
  invite(id: Uint8Array): Promise<InviteValue | null>
  /** Every invite recorded. */
  invites(): Promise<Invite[]>
  /** Whether this node may add writers now (it is an admin). */
  isAdmin(): Promise<boolean>
  isMember(key: Uint8Array): Promise<boolean>
  /** Submit the add-writer by the invite and wait until its outcome is final: null when accepted. */
  admit(key: Uint8Array, id: Uint8Array, invite: InviteValue): Promise<RejectReason | null>
  /** Let an admitted node's swarm key past this node's allowlist, if it has one. */
  allowPeer(swarmKey: Uint8Array): Promise<void>
  /** What the joining node gets: the ledger key, and the encryption key of a private ledger. */
  grant(): { key: Uint8Array; encryptionKey: Uint8Array | null }
  onUse(use: InviteUse): void
}

/**
 * An admin's side of joining by invite: answers blind-pairing requests that name an invite the
 * ledger holds. A request for an unknown invite, or one not made with the invite's secret, gets no
 * answer at all (only the invite's holder can read a reply anyway). A known invite that is revoked,
 * used up or expired gets a refusal; a usable one gets an add-writer by the invite, and once that is
 * final, the ledger's keys.
 */
export class InviteDesk {
  private readonly pairing: BlindPairing
  private readonly member: BlindPairing.Member
  private readonly refresher: NodeJS.Timeout
  /**
   * Whether this node is an admin and the ledger holds an invite that is not revoked, used up or
   * expired (by this node's clock): while it does, peers that hold no secret may stay connected
   * long enough to pair (see the network's gates).
   */
  hasOpenInvites = false

  constructor(private readonly opts: InviteDeskOptions) {
    this.pairing = new BlindPairing(opts.swarm, { poll: MEMBER_POLL_MS })
    this.member = this.pairing.addMember({
      discoveryKey: opts.discoveryKey,
      onadd: (request) => this.answer(request).catch(() => {}) // a failed answer leaves the joiner to retry or time out
    })
    this.refresher = setInterval(() => this.refresh(), OPEN_INVITES_REFRESH_MS).unref()
    this.refresh()
  }

  /** Re-read whether an invite is open (also right after this node records one). */
  refresh(): void {
    this.openInvites().then(
      (open) => {
        this.hasOpenInvites = open
      },
      () => {}
    )
  }

  private async openInvites(): Promise<boolean> {
    if (!(await this.opts.isAdmin())) return false
    const now = Date.now()
    return (await this.opts.invites()).some(
      (i) => i.revokedAt === null && i.used < i.uses && (i.expires === null || now <= i.expires)
    )
  }

  private async answer(request: BlindPairing.MemberRequest): Promise<void> {
    const id = request.inviteId
    const invite = await this.opts.invite(id)
    if (invite === null || !(await this.opts.isAdmin())) return
    let data: Buffer
    try {
      data = request.open(invite.key)
    } catch {
      return // not made with this invite's secret
    }
    // The request's user data: the writer key to add, then the node's swarm key.
    const valid = b4a.isBuffer(data) && data.byteLength === 64
    const writer = data.subarray(0, 32)
    const swarmKey = data.subarray(32, 64)
    const use = (outcome: InviteUse['outcome']): void =>
      this.opts.onUse({
        invite: toHex(id),
        writer: toHex(writer),
        swarmKey: toHex(swarmKey),
        outcome
      })
    if (!valid) {
      request.deny({ status: REFUSED })
      return use('INVALID_WRITER_KEY')
    }
    const refusal = (await this.opts.isMember(writer)) ? null : await this.check(invite, writer, id)
    if (refusal === null) {
      await this.opts.allowPeer(swarmKey)
      request.confirm(this.opts.grant())
      return use('admitted')
    }
    request.deny({
      status: refusal === 'INVITE_USED' ? USED : refusal === 'INVITE_EXPIRED' ? EXPIRED : REFUSED
    })
    use(refusal)
  }

  /** Refuse early what the ledger would reject, then admit: the ledger has the last word. */
  private async check(
    invite: InviteValue,
    writer: Uint8Array,
    id: Uint8Array
  ): Promise<RejectReason | null> {
    if (invite.revokedAt !== null) return 'INVITE_REVOKED'
    if (invite.used >= invite.uses) return 'INVITE_USED'
    if (invite.expires !== 0 && Date.now() > invite.expires) return 'INVITE_EXPIRED'
    return this.opts.admit(writer, id, invite)
  }

  async close(): Promise<void> {
    clearInterval(this.refresher)
    await this.member.close().catch(() => {})
    await this.pairing.close().catch(() => {})
  }
}
