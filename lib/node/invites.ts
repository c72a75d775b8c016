import BlindPairing from 'blind-pairing'
import Corestore from 'corestore'
import Autobase from 'autobase'
import { LedgerError } from '../errors.js'
import type { Invite } from '../ledger/results.js'
import type { InviteValue } from '../ledger/layout.js'
import type { RejectReason } from '../ledger/outcome.js'
import type { Role } from '../ledger/tx.js'
import { INVITE_VERSION, MAX_INVITE_USES } from '../ledger/limits.js'
import { parseId, toHex } from '../ledger/ids.js'
import { pairByInvite } from '../net/pairing.js'
import type { PairingResult } from '../net/pairing.js'
import type { DhtOptions } from '../net/dht.js'
import { encodeInviteCode, decodeInviteCode } from './invite-code.js'
import { requireId } from './tx-input.js'
import type { LedgerNode } from './node.js'

/** An invite is usable this long unless told otherwise (ms). */
export const DEFAULT_INVITE_TTL_MS = 24 * 60 * 60 * 1000
/** How long a joining node waits for an admin's answer, and then to be added (ms). */
export const DEFAULT_JOIN_TIMEOUT_MS = 60_000
/** How long an admin waits for its add-writer by an invite to be final before it answers (ms). */
const ADMIT_TIMEOUT_MS = 30_000

export interface CreateInviteOptions {
  /** What each node the invite adds may do. Default 'writer'. */
  role?: Role
  /** Whether each node it adds is an indexer. Default false. */
  indexer?: boolean
  /** How long it stays usable (ms). Default DEFAULT_INVITE_TTL_MS; 0: it never expires. */
  expiresIn?: number
  /** How many nodes it may add. Default 1. */
  uses?: number
}

/** A new invite: its code (the secret to hand to the joining operator) and its record in the ledger. */
export interface CreatedInvite extends Invite {
  code: string
}

/**
 * Record an invite in the ledger and return its code. The ledger holds only the invite's public
 * half (id, public key, role, expiry, uses): whoever reads the ledger cannot use it.
 */
export async function createInvite(
  node: LedgerNode,
  {
    role = 'writer',
    indexer = false,
    expiresIn = DEFAULT_INVITE_TTL_MS,
    uses = 1
  }: CreateInviteOptions = {}
): Promise<CreatedInvite> {
  if (!Number.isSafeInteger(expiresIn) || expiresIn < 0)
    throw invalid('expiresIn must be a whole number of ms, 0 for never')
  if (!Number.isSafeInteger(uses) || uses < 1 || uses > MAX_INVITE_USES)
    throw invalid(`uses must be a whole number from 1 to ${MAX_INVITE_USES}`)
  const expires = expiresIn === 0 ? 0 : Date.now() + expiresIn
  const created = BlindPairing.createInvite(node.key, { expires })
  const receipt = await node.submit({
    type: 'add-invite',
    invite: created.id,
    key: created.publicKey,
    role,
    indexer,
    expires,
    uses
  })
  const recorded = await applied(node, receipt.id, created.id, 'the invite')
  return { ...recorded, code: encodeInviteCode(created.invite) }
}

/** The invite id a caller names: an id in hex, or the invite's code itself. */
export function inviteIdOf(idOrCode: string | Uint8Array): Uint8Array {
  if (typeof idOrCode !== 'string') return requireId('invite id', idOrCode, 'invite')
  return parseId('invite id', idOrCode) ?? decodeInviteCode(idOrCode).decoded.id
}

/** Revoke an invite (an admin only): no node may join by it from then on. */
export async function revokeInvite(
  node: LedgerNode,
  idOrCode: string | Uint8Array
): Promise<Invite> {
  const id = inviteIdOf(idOrCode)
  const receipt = await node.submit({ type: 'revoke-invite', invite: id })
  return applied(node, receipt.id, id, `the revocation of invite ${toHex(id)}`)
}

/** The invite once the transaction that changed it is applied, or its rejection as a LedgerError. */
async function applied(
  node: LedgerNode,
  txId: string,
  id: Uint8Array,
  what: string
): Promise<Invite> {
  const { reason } = await node.waitForTransaction(txId)
  if (reason !== null) {
    const hint =
      reason === 'VERSION_NOT_ACTIVE'
        ? `: this ledger is at an older format; an admin activates invites with set-version ${INVITE_VERSION}`
        : ''
    throw new LedgerError(reason as RejectReason, `the ledger rejected ${what}: ${reason}${hint}`)
  }
  const invite = await node.invite(id)
  if (invite === null) throw new LedgerError('INTERNAL', 'an applied invite is not in the state')
  return invite
}

/** An admin's add-writer by an invite, waited on until final (a reorder could still reject it before). */
export async function admitByInvite(
  node: LedgerNode,
  writer: Uint8Array,
  id: Uint8Array,
  invite: InviteValue
): Promise<RejectReason | null> {
  const receipt = await node.submit({
    type: 'add-writer',
    key: writer,
    role: invite.admin ? 'admin' : 'writer',
    indexer: invite.indexer,
    invite: id
  })
  const entry = await node.waitForTransaction(receipt.id, {
    final: true,
    timeout: ADMIT_TIMEOUT_MS
  })
  return entry.reason as RejectReason | null
}

export interface PairOptions {
  /** The joining node's store: a directory, or a Corestore (left open). */
  storage: string | Corestore
  network: DhtOptions
  timeout?: number
}

/**
 * The joining side's first step: pair with an admin over the invite, with this store's writer key
 * as the one to add. Returns the ledger's key (and its encryption key when private); the store
 * holds nothing of the ledger yet.
 */
export async function pairWithInvite(
  code: string,
  { storage, network, timeout = DEFAULT_JOIN_TIMEOUT_MS }: PairOptions
): Promise<PairingResult & { writerKey: Buffer }> {
  const { invite, decoded } = decodeInviteCode(code)
  if (decoded.expires !== 0 && Date.now() > decoded.expires)
    throw new LedgerError(
      'INVITE_EXPIRED',
      `the invite expired at ${new Date(decoded.expires).toISOString()}: ask an admin for a new one`
    )
  const store = typeof storage === 'string' ? new Corestore(storage) : storage
  try {
    const writerKey = await Autobase.getLocalKey(store.namespace('autoledger'))
    const keyPair = await store.createKeyPair('autoledger-swarm') // the node's own, once it runs
    const result = await pairByInvite({ network, invite, writerKey, keyPair, timeout })
    return { ...result, writerKey }
  } finally {
    if (typeof storage === 'string') await store.close()
  }
}

function invalid(message: string): LedgerError {
  return new LedgerError('INVALID_ARGUMENT', message)
}
