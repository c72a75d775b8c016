import { LedgerError } from '../errors.js'

export const OPS_CODES = [
  'USAGE', // the command line is wrong: exit code 2
  'NOT_INITIALIZED', // the data directory holds no ledger yet
  'ALREADY_INITIALIZED', // init/join on a directory that already holds a ledger
  'BAD_CONFIG', // the config file is unreadable or malformed
  'BAD_DIR', // the data directory is not a usable directory (a file, read-only, no permission)
  'LOCKED', // another process has the data directory open
  'DAEMON_UNREACHABLE', // a daemon announced itself but does not answer
  'BAD_REQUEST', // not a valid HTTP request (raw garbage, a bad request line or header)
  'HEADERS_TOO_LARGE', // the request headers are over Node's limit
  'REQUEST_TIMEOUT', // the client did not send its whole request in time
  'BAD_JSON', // the request body is not JSON
  'UNAUTHORIZED', // missing or wrong bearer token
  'FORBIDDEN', // a request to a loopback-only server named a non-loopback host
  'PAYLOAD_TOO_LARGE', // the request body is over the size cap
  'ROUTE_NOT_FOUND', // no route for that path
  'METHOD_NOT_ALLOWED', // the route exists but not with that method
  'REJECTED', // the ledger recorded the transaction as rejected
  'DISK_FULL', // the data directory's file system is (nearly) full: writes are refused, reads go on
  'NETWORK', // a socket could not be bound or reached
  'ALARM', // `status --check`: the node has raised an alarm (diverged, stalled)
  'INTERNAL' // a bug: the message says what failed
] as const

/**
 * Codes for failures of the daemon, its HTTP API and the CLI around it (the library's own codes,
 * LedgerError's, are passed through unchanged). Callers branch on `code`, never on the message.
 */
export type OpsCode = (typeof OPS_CODES)[number]

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

/** The code of any error: ours, the library's, a daemon's; DISK_FULL for a full disk anywhere below; else INTERNAL. */
export function codeOf (err: unknown): AnyCode {
  if (err instanceof OpsError || err instanceof LedgerError || err instanceof ApiError) return err.code
  if (isStoreLockError(err)) return 'LOCKED'
  if (isDiskFull(err)) return 'DISK_FULL'
  return 'INTERNAL'
}

/**
 * Whether an error (or one it wraps) is the file system running out of space: ENOSPC from Node,
 * or RocksDB's "No space left on device" (rocksdb-native wraps it as "Batch was not applied").
 */
export function isDiskFull (err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if ((e as NodeJS.ErrnoException).code === 'ENOSPC' || /no space left on device/i.test(e.message)) return true
    if (e instanceof AggregateError && e.errors.some(x => isDiskFull(x))) return true
  }
  return false
}

/** RocksDB's own lock: a second process opening the same store fails with this. */
export function isStoreLockError (err: unknown): boolean {
  return err instanceof Error && !(err instanceof LedgerError) && /could not be locked/i.test(err.message)
}

export function messageOf (err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}

/** Longest error message shown (a message may quote input). */
export const MAX_MESSAGE_CHARS = 500

/** A message as one line of at most `max` characters: line breaks and other control characters become spaces. */
export function oneLine (text: string, max = MAX_MESSAGE_CHARS): string {
  const line = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim()
  return line.length > max ? line.slice(0, max - 3) + '...' : line
}
