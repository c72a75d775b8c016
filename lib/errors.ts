import type { RejectReason } from './ledger/outcome.js'

/** Codes for failures of the node itself, as opposed to a transaction's content. */
export const OPERATIONAL_CODES = [
  'NOT_WRITABLE', // this node is not (yet) a writer of the ledger
  'NOT_FOUND', // no entry, transaction, record or account by that name
  'CLOSED', // the node is closing or closed
  'TIMEOUT', // a wait ran out of time
  'BUSY', // too many of this node's own transactions are waiting to be final: retry later
  'UPGRADE_REQUIRED', // the ledger activated a format version this release does not know
  'BOOTSTRAP_REQUIRED', // a network was asked for without a DHT bootstrap list
  'NO_NETWORK', // a peer operation on a node opened without a network
  'INVALID_ARGUMENT' // an argument has the wrong type or shape
] as const

export type OperationalCode = (typeof OPERATIONAL_CODES)[number]

/** Every error the library throws on purpose carries one of these; branch on `code`, never on message. */
export type ErrorCode = OperationalCode | RejectReason

export class LedgerError extends Error {
  readonly code: ErrorCode

  constructor (code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LedgerError'
    this.code = code
  }
}
