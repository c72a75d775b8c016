import http from 'http'
import { LedgerError, codeOf, messageOf, httpStatusOf } from '../errors.js'
import type { IncomingMessage, ServerResponse } from 'http'
import type { AddressInfo } from 'net'
import { isLoopback } from '../datadir/config.js'
import type { LedgerApi } from '../api/operations.js'
import { matchRoute } from './routes.js'
import { readJsonBody, errorBody, MAX_BODY_BYTES } from './request.js'
import { tokenMatches } from '../datadir/token.js'
import { stringify } from '../api/json.js'
import { isDashboardPath, sendDashboard } from './dashboard.js'
import { EventStreams, DEFAULT_EVENT_STREAM_LIMITS } from './events.js'
import type { EventStreamLimits, StreamEnd } from './events.js'

/** Give up on a client that has not sent its whole request after this long (ms). */
export const REQUEST_TIMEOUT_MS = 30_000
export const HEADERS_TIMEOUT_MS = 10_000
export const MAX_CONNECTIONS = 256

export interface ApiServerOptions {
  api: LedgerApi
  /** Bearer token for writes (and for reads when `authReads`). */
  token: string
  /** Bind address. Default 127.0.0.1. */
  host?: string
  /** Port; 0 (the default) picks a free one. */
  port?: number
  /** Require the token on reads too. Default: true unless bound to loopback. */
  authReads?: boolean
  /** Body size cap in bytes. Default MAX_BODY_BYTES. */
  maxBodyBytes?: number
  /** Runs before every write route (after auth); throw to refuse the write (e.g. DISK_FULL). */
  beforeWrite?: () => Promise<void>
  /** Called for every response with status 500 or above. */
  onServerError?: (err: unknown, req: { method: string; path: string }) => void
  /** Limits of the event streams (GET /v1/events). Default DEFAULT_EVENT_STREAM_LIMITS. */
  events?: Partial<EventStreamLimits>
  /** Called when an event stream ends: the client left, was dropped for reading too slowly, or the node closed. */
  onStreamEnd?: (how: StreamEnd) => void
  /** Called for every 4xx response. */
  onClientError?: (err: unknown, req: { method: string; path: string; status: number }) => void
}

/** The JSON HTTP API of one node. Nothing a client sends escapes a request: every failure becomes a `{ code, message }` reply. */
export class ApiServer {
  readonly server: http.Server
  private readonly host: string
  private readonly port: number
  private readonly loopback: boolean
  private readonly authReads: boolean
  readonly streams: EventStreams

  constructor(private readonly opts: ApiServerOptions) {
    this.host = opts.host ?? '127.0.0.1'
    this.port = opts.port ?? 0
    this.loopback = isLoopback(this.host)
    this.authReads = opts.authReads ?? !this.loopback
    this.streams = new EventStreams(
      { ...DEFAULT_EVENT_STREAM_LIMITS, ...opts.events },
      opts.onStreamEnd
    )
    this.server = http.createServer((req, res) => {
      void this.onRequest(req, res)
    })
    this.server.requestTimeout = REQUEST_TIMEOUT_MS
    this.server.headersTimeout = HEADERS_TIMEOUT_MS
    this.server.maxConnections = MAX_CONNECTIONS
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      // Not HTTP, or not finished in time: Node's parser gave up before a request existed.
      if (!socket.writable || err.code === 'ECONNRESET') {
        socket.destroy()
        return
      }
      const refused = clientErrorOf(err)
      const status = httpStatusOf(refused.code)
      this.opts.onClientError?.(refused, { method: '-', path: '-', status })
      const text = stringify(errorBody(refused)) + '\n'
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${text}`
      )
    })
  }

  /** Start listening; resolves with the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void =>
        reject(
          new LedgerError(
            'NETWORK',
            `cannot serve HTTP on ${this.host}:${this.port}: ${err.message}; pick another address with --http host:port`,
            { cause: err }
          )
        )
      this.server.once('error', onError)
      this.server.listen(this.port, this.host, () => {
        this.server.off('error', onError)
        resolve()
      })
    })
    return this.url
  }

  get url(): string {
    const { address, port } = this.server.address() as AddressInfo
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`
  }

  /** Stop accepting, and cut every open connection (requests still waiting get no answer). */
  async close(): Promise<void> {
    if (!this.server.listening) return
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await closed
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const raw = req.url ?? '/'
    const q = raw.indexOf('?')
    const path = q < 0 ? raw : raw.slice(0, q)
    try {
      this.checkHost(req)
      if (method === 'GET' && isDashboardPath(path)) return await sendDashboard(path, res)
      const segments = decodeSegments(path)
      const match = matchRoute(method, segments)
      if (match.route === null) {
        if (match.allowed.length > 0) {
          res.setHeader('Allow', match.allowed.join(', '))
          throw new LedgerError(
            'METHOD_NOT_ALLOWED',
            `${method} is not allowed on ${path}: use ${match.allowed.join(' or ')}`
          )
        }
        throw new LedgerError(
          'ROUTE_NOT_FOUND',
          `no route ${method} ${path}: see the API reference in the README`
        )
      }
      if (match.route.write || (this.authReads && match.route.probe !== true))
        this.checkToken(req, res)
      if (match.route.write && this.opts.beforeWrite !== undefined) await this.opts.beforeWrite()
      if (match.route.stream === true) this.streams.checkRoom()
      let body: Promise<unknown> | null = null
      const lastEventId = req.headers['last-event-id']
      const reply = await match.route.handle(this.opts.api, {
        params: match.params,
        query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)),
        lastEventId: typeof lastEventId === 'string' ? lastEventId : undefined,
        body: () => (body ??= readJsonBody(req, this.opts.maxBodyBytes ?? MAX_BODY_BYTES))
      })
      if (reply.events !== undefined) await this.streams.serve(req, res, reply.events)
      else if (reply.contentType === undefined) send(res, reply.status ?? 200, reply.body)
      else sendText(res, reply.status ?? 200, reply.contentType, String(reply.body))
    } catch (err) {
      const status = httpStatusOf(codeOf(err))
      if (status >= 500) this.opts.onServerError?.(err, { method, path })
      else this.opts.onClientError?.(err, { method, path, status })
      // A body we did not read (413, 401, ...) is not drained: close the connection after the reply.
      if (!req.complete) res.setHeader('Connection', 'close')
      if (codeOf(err) === 'BUSY' || codeOf(err) === 'TOO_MANY_STREAMS')
        res.setHeader('Retry-After', '1')
      send(res, status, errorBody(err))
    }
  }

  /** On a loopback server, refuse requests that name another host (a DNS-rebinding page in a browser). */
  private checkHost(req: IncomingMessage): void {
    if (!this.loopback) return
    const host = req.headers.host
    if (host === undefined) return
    const name = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1')
    if (!isLoopback(name))
      throw new LedgerError('FORBIDDEN', `this API serves loopback clients only (Host: ${host})`)
  }

  private checkToken(req: IncomingMessage, res: ServerResponse): void {
    const header = req.headers.authorization
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
    if (match === null || !tokenMatches(match[1], this.opts.token)) {
      res.setHeader('WWW-Authenticate', 'Bearer')
      throw new LedgerError(
        'UNAUTHORIZED',
        match === null
          ? 'this route needs "Authorization: Bearer <token>"; the token is in the token file of the data directory'
          : 'wrong token: use the one in the token file of the data directory'
      )
    }
  }
}

/** The error reply for a request Node's HTTP parser refused. */
function clientErrorOf(err: NodeJS.ErrnoException): LedgerError {
  if (err.code === 'HPE_HEADER_OVERFLOW')
    return new LedgerError(
      'HEADERS_TOO_LARGE',
      'the request headers are too large: send fewer or shorter headers'
    )
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new LedgerError(
      'REQUEST_TIMEOUT',
      `the request was not complete within ${REQUEST_TIMEOUT_MS} ms`
    )
  return new LedgerError(
    'BAD_REQUEST',
    `not a valid HTTP request (${err.code ?? 'parse error'}): send HTTP/1.1 with JSON bodies, see the API reference in the README`
  )
}

function decodeSegments(path: string): string[] {
  try {
    return path
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s))
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `bad percent-encoding in the path: ${messageOf(err)}`)
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, 'application/json; charset=utf-8', stringify(body) + '\n')
}

function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  if (res.headersSent || res.destroyed) return
  res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store'
  })
  res.end(text)
}
