import type { IncomingMessage } from 'http'
import { LedgerError, codeOf, messageOf, oneLine } from '../errors.js'
import type { RangeOptions } from '../ledger/results.js'
import type { HistoryRange } from '../api/operations.js'
import type { ErrorCode } from '../errors.js'

/** Request bodies above this many bytes get 413. A submit of many transactions fits well below it. */
export const MAX_BODY_BYTES = 1024 * 1024
/** An over-size body is read and dropped up to this much (so the client sees the 413), then the socket is cut. */
export const MAX_DRAIN_BYTES = 16 * 1024 * 1024

/** Read and parse a JSON body, at most `cap` bytes. Throws PAYLOAD_TOO_LARGE or BAD_JSON. */
export async function readJsonBody(req: IncomingMessage, cap = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > cap) {
    drain(req)
    throw tooLarge(cap)
  }
  const chunks = await new Promise<Buffer[]>((resolve, reject) => {
    const list: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength
      if (size <= cap) {
        list.push(chunk)
        return
      }
      req.off('data', onData)
      req.off('end', onEnd)
      drain(req, size)
      reject(tooLarge(cap))
    }
    const onEnd = (): void => resolve(list)
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', () =>
      reject(new LedgerError('BAD_JSON', 'the request was cut off before its body ended'))
    )
    req.on('close', () =>
      reject(new LedgerError('BAD_JSON', 'the request was cut off before its body ended'))
    )
  })
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim().length === 0) throw new LedgerError('BAD_JSON', 'the request needs a JSON body')
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new LedgerError('BAD_JSON', `the request body is not valid JSON: ${messageOf(err)}`)
  }
}

function tooLarge(cap: number): LedgerError {
  return new LedgerError(
    'PAYLOAD_TOO_LARGE',
    `the request body is over ${cap} bytes: send fewer transactions per request`
  )
}

/** Discard the rest of a body so the client can read our answer; cut the connection if it keeps going. */
function drain(req: IncomingMessage, seen = 0): void {
  let size = seen
  req.on('data', (chunk: Buffer) => {
    size += chunk.byteLength
    if (size > MAX_DRAIN_BYTES) req.destroy()
  })
  req.resume()
}

/** A non-negative integer query parameter, or undefined when absent. */
export function intParam(
  query: URLSearchParams,
  name: string,
  max = Number.MAX_SAFE_INTEGER
): number | undefined {
  const v = query.get(name)
  if (v === null) return undefined
  if (!/^[0-9]{1,16}$/.test(v) || Number(v) > max)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `query parameter "${name}" must be a whole number from 0 to ${max}`
    )
  return Number(v)
}

export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name)
  if (v === null) return undefined
  if (v === '' || v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw new LedgerError('INVALID_ARGUMENT', `query parameter "${name}" must be true or false`)
}

/** The most entries one page may hold (the library's own cap). */
export const MAX_PAGE_LIMIT = 1000

/** `limit`: a page size from 1 to MAX_PAGE_LIMIT, or undefined when absent. */
export function limitParam(query: URLSearchParams): number | undefined {
  const v = query.get('limit')
  if (v === null) return undefined
  if (!/^[0-9]{1,16}$/.test(v) || Number(v) < 1 || Number(v) > MAX_PAGE_LIMIT)
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `query parameter "limit" must be a whole number from 1 to ${MAX_PAGE_LIMIT}`
    )
  return Number(v)
}

/** lt and limit, the paging parameters of the history routes (newest first). */
export function historyParams(query: URLSearchParams): HistoryRange {
  return { lt: intParam(query, 'lt'), limit: limitParam(query) }
}

/** gte, lt, limit and reverse, the paging parameters of /v1/entries. */
export function rangeParams(query: URLSearchParams): RangeOptions {
  return {
    gte: intParam(query, 'gte'),
    lt: intParam(query, 'lt'),
    limit: limitParam(query),
    reverse: boolParam(query, 'reverse')
  }
}

/** `{ code, message }`, the body of every error response. The message is one line. */
export function errorBody(err: unknown): { code: ErrorCode; message: string } {
  const code = codeOf(err)
  return {
    code,
    message: oneLine(code === 'INTERNAL' ? `internal error: ${messageOf(err)}` : messageOf(err))
  }
}
