import { REJECT_REASONS } from './ledger/outcome.js'
import type { RejectReason } from './ledger/outcome.js'

interface CodeInfo {
  /** The HTTP status of a reply with this code. */
  status: number
  /** The exit status of a CLI command that fails with it. */
  exit: number
}

const fails = (status: number): CodeInfo => ({ status, exit: 1 })

/**
 * Every code an error of the library, the daemon, its HTTP API or the CLI carries, besides the
 * rejection codes (REJECT_REASONS: HTTP 400, exit 1), with its HTTP status and exit status.
 * Callers branch on `code`, never on the message. The README documents the same table.
 */
export const ERRORS = {
  // The library's own: failures of the node, as opposed to a transaction's content.
  NOT_WRITABLE: fails(409), // this node is not (yet) a writer of the ledger
  READ_ONLY_MIRROR: fails(409), // a write to a node that runs as a read-only mirror
  NOT_FOUND: fails(404), // no entry, transaction, record or account by that name
  CLOSED: fails(503), // the node is closing or closed
  TIMEOUT: fails(504), // a wait ran out of time
  BUSY: fails(503), // too many of this node's own transactions are waiting to be final: retry later
  UPGRADE_REQUIRED: fails(503), // the ledger activated a format version this release does not know
  BOOTSTRAP_REQUIRED: fails(500), // a network was asked for without a DHT bootstrap list
  NO_NETWORK: fails(409), // a peer operation on a node opened without a network
  INVALID_ARGUMENT: fails(400), // an argument has the wrong type or shape
  HISTORY_UNAVAILABLE: fails(404), // a read as of a position before the ledger started keeping history
  INVITE_UNANSWERED: fails(504), // `join --invite`: no admin answered the invite in time (none online, or not a real invite)
  // The data directory, the daemon, its HTTP API and the CLI around it.
  USAGE: { status: 400, exit: 2 }, // the command line is wrong
  NOT_INITIALIZED: fails(500), // the data directory holds no ledger yet
  ALREADY_INITIALIZED: fails(500), // init/join on a directory that already holds a ledger
  BAD_CONFIG: fails(500), // the config file is unreadable or malformed
  BAD_DIR: fails(500), // the data directory is not a usable directory (a file, read-only, no permission)
  LOCKED: fails(500), // another process has the data directory open
  DAEMON_UNREACHABLE: fails(500), // a daemon announced itself but does not answer
  BAD_REQUEST: fails(400), // not a valid HTTP request (raw garbage, a bad request line or header)
  HEADERS_TOO_LARGE: fails(431), // the request headers are over Node's limit
  REQUEST_TIMEOUT: fails(408), // the client did not send its whole request in time
  BAD_JSON: fails(400), // the request body is not JSON
  UNAUTHORIZED: fails(401), // missing or wrong bearer token
  FORBIDDEN: fails(403), // a request to a loopback-only server named a non-loopback host
  PAYLOAD_TOO_LARGE: fails(413), // the request body is over the size cap
  ROUTE_NOT_FOUND: fails(404), // no route for that path
  METHOD_NOT_ALLOWED: fails(405), // the route exists but not with that method
  TOO_MANY_STREAMS: fails(503), // every event stream the daemon allows is open: retry later
  REJECTED: fails(500), // the ledger recorded the transaction as rejected (the CLI's code for it)
  DISK_FULL: fails(507), // the data directory's file system is (nearly) full: writes are refused, reads go on
  NETWORK: fails(500), // a socket could not be bound or reached
  ALARM: fails(500), // `status --check`: the node has raised an alarm (diverged, stalled)
  NOT_READY: fails(503), // GET /readyz: the node fails a readiness check (the reply lists them)
  VERIFY_DIFFERENT: fails(500), // `verify`: the ledger is not what its writer logs give
  VERIFY_INCOMPLETE: fails(500), // `verify`: this node does not hold every log it would need
  PROOF_UNAVAILABLE: fails(409), // `prove`: the entry is not final (signed) yet, so there is nothing to prove it with
  PROOF_INVALID: fails(500), // `verify-proof`: the bytes do not prove an entry of this ledger
  PROOF_UNTRUSTED: fails(500), // `verify-proof`: a valid proof, signed by indexers the verifier did not name
  INTERNAL: fails(500) // a bug: the message says what failed
} as const satisfies Record<string, CodeInfo>

export type OperationalCode = keyof typeof ERRORS

/** Every code a LedgerError may carry. */
export type ErrorCode = OperationalCode | RejectReason

export const ERROR_CODES = Object.keys(ERRORS) as OperationalCode[]

const REASONS = new Set<string>(REJECT_REASONS)

/** The HTTP status for a code (a code this release does not know is 500). */
export function httpStatusOf(code: string): number {
  if (REASONS.has(code)) return 400 // a transaction that could never be accepted
  return (ERRORS as Record<string, CodeInfo>)[code]?.status ?? 500
}

/** The exit status of a command that fails with this code. */
export function exitStatusOf(code: string): number {
  return (ERRORS as Record<string, CodeInfo>)[code]?.exit ?? 1
}

/** The one error type: every error thrown on purpose, anywhere in the project, is a LedgerError. */
export class LedgerError extends Error {
  readonly code: ErrorCode

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LedgerError'
    this.code = code
  }
}

/** An error reply of a daemon's HTTP API: the daemon's code, and the HTTP status it came with. */
export class ApiError extends LedgerError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number
  ) {
    super(code, message)
    this.name = 'ApiError'
  }
}

/** The code of any error: ours, a daemon's; LOCKED or DISK_FULL for those failures anywhere below; else INTERNAL. */
export function codeOf(err: unknown): ErrorCode {
  if (err instanceof LedgerError) return err.code
  if (isStoreLockError(err)) return 'LOCKED'
  if (isDiskFull(err)) return 'DISK_FULL'
  return 'INTERNAL'
}

/**
 * Whether an error (or one it wraps) is the file system running out of space: ENOSPC from Node,
 * or RocksDB's "No space left on device" (rocksdb-native wraps it as "Batch was not applied").
 */
export function isDiskFull(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (
      (e as NodeJS.ErrnoException).code === 'ENOSPC' ||
      /no space left on device/i.test(e.message)
    )
      return true
    if (e instanceof AggregateError && e.errors.some((x) => isDiskFull(x))) return true
  }
  return false
}

/** RocksDB's own lock: a second process opening the same store fails with this. */
export function isStoreLockError(err: unknown): boolean {
  return (
    err instanceof Error &&
    !(err instanceof LedgerError) &&
    /could not be locked/i.test(err.message)
  )
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

/** Longest error message shown (a message may quote input). */
export const MAX_MESSAGE_CHARS = 500

/** A message as one line of at most `max` characters: line breaks and other control characters become spaces. */
export function oneLine(text: string, max = MAX_MESSAGE_CHARS): string {
  const line = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim()
  return line.length > max ? line.slice(0, max - 3) + '...' : line
}
