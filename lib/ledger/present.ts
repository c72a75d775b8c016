/** What stored entries and transactions look like to readers: hex instead of bytes, parsed values, the reason by name. */
import { decodeTx } from './tx.js'
import type { Tx } from './tx.js'
import type { EntryRecord } from './entry.js'
import { reasonOf } from './outcome.js'
import { toHex } from './ids.js'
import type { MemberValue, InviteValue } from './layout.js'
import type { Entry, Invite, Member, Transaction } from './results.js'

/** An entry as queries return it; `final` says whether the quorum has signed it. */
export function presentEntry(r: EntryRecord, final: boolean): Entry {
  const tx = r.tx.byteLength > 0 ? decodeTx(r.tx) : null
  return {
    position: r.seq,
    writer: toHex(r.writer),
    writerPosition: r.writerSeq,
    index: r.index,
    id: r.id === null ? null : toHex(r.id),
    tx: tx === null || typeof tx === 'string' ? null : presentTx(tx),
    outcome: r.outcome === 0 ? 'accepted' : 'rejected',
    reason: reasonOf(r.outcome),
    digest: toHex(r.digest),
    prevHash: toHex(r.prev),
    hash: toHex(r.hash),
    final
  }
}

export function presentTx(tx: Tx): Transaction {
  const base = { id: toHex(tx.id), version: tx.version, timestamp: tx.timestamp }
  switch (tx.type) {
    case 'put':
      return { ...base, type: tx.type, key: tx.key, value: parseOrText(tx.value) }
    case 'add-writer':
      return {
        ...base,
        type: tx.type,
        key: toHex(tx.key),
        role: tx.role,
        indexer: tx.indexer,
        invite: tx.invite === null ? null : toHex(tx.invite)
      }
    case 'add-invite':
      return { ...base, ...tx, id: base.id, invite: toHex(tx.invite), key: toHex(tx.key) }
    case 'revoke-invite':
      return { ...base, type: tx.type, invite: toHex(tx.invite) }
    case 'remove-writer':
      return { ...base, type: tx.type, key: toHex(tx.key) }
    case 'add-owner':
      return { ...base, type: tx.type, account: tx.account, key: toHex(tx.key) }
    default:
      return { ...base, ...tx, id: base.id }
  }
}

export function presentMember(key: Uint8Array, m: MemberValue, final: boolean): Member {
  return {
    key: toHex(key),
    role: m.admin ? 'admin' : 'writer',
    indexer: m.indexer,
    since: m.since,
    final
  }
}

export function presentInvite(id: Uint8Array, v: InviteValue): Invite {
  return {
    id: toHex(id),
    key: toHex(v.key),
    role: v.admin ? 'admin' : 'writer',
    indexer: v.indexer,
    expires: v.expires === 0 ? null : v.expires,
    uses: v.uses,
    used: v.used,
    createdBy: toHex(v.by),
    since: v.since,
    revokedAt: v.revokedAt
  }
}

/** Rejected puts may hold text that is not JSON: show it as a string rather than fail the read. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
