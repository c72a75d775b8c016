import http from 'http'
import type { VerifyOptions, VerifyReport } from '../node/verify.js'
import type { RangeOptions, Head, DiffOptions, Invite } from '../ledger/results.js'
import type { CreateInviteOptions, CreatedInvite } from '../node/invites.js'
import type { Peers } from '../node/status.js'
import { ApiError, LedgerError } from '../errors.js'
import type { ErrorCode } from '../errors.js'
import type {
  EntryProofJson,
  ExportPageJson,
  LedgerOps,
  HistoryRange,
  SubmitOptions,
  SubmitResult,
  StatusJson,
  PageJson,
  EntryJson,
  RecordJson,
  BalanceJson,
  MembersJson,
  DiffJson
} from '../api/operations.js'

/** Extra time (ms) a client allows over the server-side wait of a submit. */
const CLIENT_SLACK_MS = 15_000

/** Talks to a running daemon's HTTP API; the same operations as LedgerApi, over the wire. */
/** How long the CLI waits for a daemon's verify of the whole ledger (ms). */
export const VERIFY_REQUEST_TIMEOUT_MS = 3_600_000

export class HttpClient implements LedgerOps {
  private readonly base: URL

  constructor(
    url: string,
    private readonly token: string | null = null
  ) {
    this.base = new URL(url)
  }

  get url(): string {
    return this.base.href
  }

  /** The Authorization header this client sends, if it has a token. */
  get authorization(): { Authorization?: string } {
    return this.token === null ? {} : { Authorization: `Bearer ${this.token}` }
  }

  status(): Promise<StatusJson> {
    return this.call('GET', '/v1/status')
  }
  head(): Promise<Head> {
    return this.call('GET', '/v1/head')
  }
  entries(range: RangeOptions = {}): Promise<PageJson> {
    return this.call('GET', '/v1/entries' + rangeQuery(range))
  }
  entry(position: number): Promise<EntryJson> {
    return this.call('GET', `/v1/entries/${position}`)
  }
  proveEntry(position: number): Promise<EntryProofJson> {
    return this.call('GET', `/v1/entries/${position}/proof`)
  }
  exportEntries(range: RangeOptions = {}): Promise<ExportPageJson> {
    return this.call('GET', '/v1/export' + rangeQuery(range))
  }
  transaction(id: string, author?: string): Promise<EntryJson> {
    return this.call(
      'GET',
      `/v1/transactions/${enc(id)}` + (author === undefined ? '' : `?author=${enc(author)}`)
    )
  }
  get(key: string, at?: number): Promise<RecordJson> {
    return this.call('GET', `/v1/records/${enc(key)}` + query({ at }))
  }
  history(key: string, range: HistoryRange = {}): Promise<PageJson> {
    return this.call('GET', `/v1/records/${enc(key)}/history` + rangeQuery(range))
  }
  accountHistory(account: string, range: HistoryRange = {}): Promise<PageJson> {
    return this.call('GET', `/v1/accounts/${enc(account)}/history` + rangeQuery(range))
  }
  balance(account: string, at?: number): Promise<BalanceJson> {
    return this.call('GET', `/v1/accounts/${enc(account)}` + query({ at }))
  }
  members(at?: number): Promise<MembersJson> {
    return this.call('GET', '/v1/members' + query({ at }))
  }
  diff(from: number, to: number, { cursor, limit }: DiffOptions = {}): Promise<DiffJson> {
    return this.call('GET', '/v1/diff' + query({ from, to, cursor, limit }))
  }

  submit(input: unknown, opts: SubmitOptions = {}): Promise<SubmitResult> {
    return this.call('POST', '/v1/transactions' + submitQuery(opts), input, waitBudget(opts))
  }

  addWriter(
    key: string,
    { admin = false, indexer = false } = {},
    opts: SubmitOptions = {}
  ): Promise<SubmitResult> {
    return this.call(
      'POST',
      '/v1/members' + submitQuery(opts),
      { key, admin, indexer },
      waitBudget(opts)
    )
  }

  removeWriter(key: string, opts: SubmitOptions = {}): Promise<SubmitResult> {
    return this.call(
      'DELETE',
      `/v1/members/${enc(key)}` + submitQuery(opts),
      undefined,
      waitBudget(opts)
    )
  }

  createInvite(opts: CreateInviteOptions = {}): Promise<CreatedInvite> {
    return this.call('POST', '/v1/invites', opts)
  }
  revokeInvite(idOrCode: string): Promise<Invite> {
    return this.call('DELETE', `/v1/invites/${enc(idOrCode)}`)
  }
  invites(): Promise<{ invites: Invite[] }> {
    return this.call('GET', '/v1/invites')
  }

  peers(): Promise<Peers> {
    return this.call('GET', '/v1/peers')
  }
  /** Runs in the daemon, which reports no progress over HTTP. */
  verify(_opts: Pick<VerifyOptions, 'onProgress'> = {}): Promise<VerifyReport> {
    return this.call('POST', '/v1/verify', {}, VERIFY_REQUEST_TIMEOUT_MS)
  }
  block(swarmKey: string): Promise<Peers> {
    return this.call('POST', '/v1/peers/blocked', { key: swarmKey })
  }
  unblock(swarmKey: string): Promise<Peers> {
    return this.call('DELETE', `/v1/peers/blocked/${enc(swarmKey)}`)
  }
  allow(swarmKey: string): Promise<Peers> {
    return this.call('POST', '/v1/peers/allowed', { key: swarmKey })
  }
  disallow(swarmKey: string): Promise<Peers> {
    return this.call('DELETE', `/v1/peers/allowed/${enc(swarmKey)}`)
  }

  /** One request; a `{ code, message }` reply becomes an ApiError with that code. */
  async call<T>(method: string, path: string, body?: unknown, timeout = 30_000): Promise<T> {
    const text = body === undefined ? null : JSON.stringify(body)
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (text !== null) {
      headers['Content-Type'] = 'application/json'
      headers['Content-Length'] = String(Buffer.byteLength(text))
    }
    Object.assign(headers, this.authorization)
    const { status, data } = await new Promise<{ status: number; data: string }>(
      (resolve, reject) => {
        const req = http.request(
          new URL(path, this.base),
          { method, headers, agent: false, timeout },
          (res) => {
            const chunks: Buffer[] = []
            res.on('data', (c: Buffer) => chunks.push(c))
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, data: Buffer.concat(chunks).toString('utf8') })
            )
            res.on('error', reject)
          }
        )
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeout} ms`)))
        req.on('error', (err) =>
          reject(
            new LedgerError(
              'DAEMON_UNREACHABLE',
              `the daemon at ${this.base.origin} did not answer (${err.message}): is it still running?`,
              { cause: err }
            )
          )
        )
        req.end(text ?? undefined)
      }
    )
    let json: unknown
    try {
      json = JSON.parse(data)
    } catch {
      throw new LedgerError(
        'DAEMON_UNREACHABLE',
        `the daemon at ${this.base.origin} sent something that is not JSON (HTTP ${status})`
      )
    }
    if (status >= 400) {
      const e = json as { code?: unknown; message?: unknown }
      throw new ApiError(
        (typeof e.code === 'string' ? e.code : 'INTERNAL') as ErrorCode,
        typeof e.message === 'string' ? e.message : `HTTP ${status}`,
        status
      )
    }
    return json as T
  }
}

function enc(s: string): string {
  return encodeURIComponent(s)
}

function rangeQuery(range: RangeOptions | HistoryRange): string {
  const reverse = 'reverse' in range && range.reverse === true ? true : undefined
  return query({
    gte: 'gte' in range ? range.gte : undefined,
    lt: range.lt,
    limit: range.limit,
    reverse
  })
}

/** A query string of the parameters that are set ('' when none is). */
function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams()
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) q.set(name, String(value))
  const s = q.toString()
  return s.length > 0 ? '?' + s : ''
}

function submitQuery(opts: SubmitOptions): string {
  return query({ wait: opts.wait, timeout: opts.timeout })
}

function waitBudget(opts: SubmitOptions): number {
  return (opts.timeout ?? 10_000) + CLIENT_SLACK_MS
}
