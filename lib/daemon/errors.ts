import { LedgerError } from '../index.js'

/**
 * Codes for failures of the daemon, its HTTP API and the CLI around it (the library's own codes,
 * LedgerError's, are passed through unchanged). Callers branch on `code`, never on the message.
 */
export type OpsCode =
  | 'USAGE' // the command line is wrong: exit code 2
  | 'NOT_INITIALIZED' // the data directory holds no ledger yet
  | 'ALREADY_INITIALIZED' // init/join on a directory that already holds a ledger
  | 'BAD_CONFIG' // the config file is unreadable or malformed
  | 'LOCKED' // another process has the data directory open
  | 'DAEMON_UNREACHABLE' // a daemon announced itself but does not answer
  | 'BAD_JSON' // the request body is not JSON
  | 'UNAUTHORIZED' // missing or wrong bearer token
  | 'FORBIDDEN' // a request to a loopback-only server named a non-loopback host
  | 'PAYLOAD_TOO_LARGE' // the request body is over the size cap
  | 'ROUTE_NOT_FOUND' // no route for that path
  | 'METHOD_NOT_ALLOWED' // the route exists but not with that method
  | 'REJECTED' // the ledger recorded the transaction as rejected
  | 'NETWORK' // a socket could not be bound or reached
  | 'INTERNAL' // a bug: the message says what failed

/** Every code a caller of the CLI or the HTTP API can see. */
export type AnyCode = OpsCode | LedgerError['code']

export class OpsError extends Error {
  readonly code: OpsCode

  constructor (code: OpsCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'OpsError'
    this.code = code
  }
}

/** An error reply of a daemon's HTTP API, with the code the daemon gave. */
export class ApiError extends Error {
  constructor (readonly code: AnyCode, message: string, readonly status: number) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The code of any error: ours, the library's, a daemon's, or INTERNAL for anything else. */
export function codeOf (err: unknown): AnyCode {
  if (err instanceof OpsError || err instanceof LedgerError || err instanceof ApiError) return err.code
  if (isStoreLockError(err)) return 'LOCKED'
  return 'INTERNAL'
}

/** RocksDB's own lock: a second process opening the same store fails with this. */
export function isStoreLockError (err: unknown): boolean {
  return err instanceof Error && !(err instanceof LedgerError) && /could not be locked/i.test(err.message)
}

export function messageOf (err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
