import { LedgerError, httpStatusOf } from '../errors.js'
import { DEFAULT_SUBMIT_WAIT_MS, MAX_SUBMIT_WAIT_MS, WAIT_MODES } from '../api/operations.js'
import type { LedgerApi, SubmitOptions, SubmitResult, WaitMode } from '../api/operations.js'
import type { EventFeed } from '../node/events.js'
import type { CreateInviteOptions } from '../node/invites.js'
import { intParam, limitParam, rangeParams, historyParams } from './request.js'
import { parseWriterKey, toHex } from '../ledger/ids.js'

export type Method = 'GET' | 'POST' | 'DELETE'

/** The Prometheus text format, version 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface RouteContext {
  /** Path parameters, already URI-decoded. */
  params: Record<string, string>
  query: URLSearchParams
  /** The Last-Event-ID header of an event stream's reconnect. */
  lastEventId: string | undefined
  /** The parsed JSON body (read on first call). */
  body(): Promise<unknown>
}

export interface Reply {
  status?: number
  /** JSON, or the text itself when `contentType` is set. */
  body: unknown
  contentType?: string
  /** An event stream to serve instead of a JSON body. */
  events?: EventFeed
}

export interface Route {
  method: Method
  /** Path with `:name` parameters, e.g. `/v1/entries/:position`. */
  path: string
  /** Writes need the bearer token. */
  write: boolean
  /** Served without the token even where reads need it: the probes an orchestrator polls. */
  probe?: true
  /** The route answers with an event stream (counted against the stream limit). */
  stream?: boolean
  handle(api: LedgerApi, ctx: RouteContext): Promise<Reply>
}

/** Every route of the HTTP API; README's API reference documents each one. */
export const ROUTES: Route[] = [
  probe('/healthz', async () => ({ body: { status: 'ok' } })),
  probe('/readyz', async (api) => {
    const readiness = api.readiness()
    return { status: readiness.ready ? 200 : httpStatusOf('NOT_READY'), body: readiness }
  }),
  {
    method: 'GET',
    path: '/metrics',
    write: false,
    handle: async (api) => ({ body: await api.metrics(), contentType: METRICS_CONTENT_TYPE })
  },
  get('/v1/status', async (api) => api.status()),
  get('/v1/head', async (api) => api.head()),
  get('/v1/entries', async (api, { query }) => api.entries(rangeParams(query))),
  get('/v1/entries/:position', async (api, { params }) => api.entry(position(params.position))),
  get('/v1/entries/:position/proof', async (api, { params }) =>
    api.proveEntry(position(params.position))
  ),
  get('/v1/export', async (api, { query }) => api.exportEntries(rangeParams(query))),
  get('/v1/transactions/:id', async (api, { params, query }) =>
    api.transaction(params.id, author(query))
  ),
  get('/v1/records/:key', async (api, { params, query }) =>
    api.get(recordKey(params.key), intParam(query, 'at'))
  ),
  get('/v1/records/:key/history', async (api, { params, query }) =>
    api.history(recordKey(params.key), historyParams(query))
  ),
  get('/v1/accounts/:account', async (api, { params, query }) =>
    api.balance(params.account, intParam(query, 'at'))
  ),
  get('/v1/accounts/:account/history', async (api, { params, query }) =>
    api.accountHistory(params.account, historyParams(query))
  ),
  get('/v1/members', async (api, { query }) => api.members(intParam(query, 'at'))),
  get('/v1/diff', async (api, { query }) =>
    api.diff(requiredInt(query, 'from'), requiredInt(query, 'to'), {
      cursor: intParam(query, 'cursor'),
      limit: limitParam(query)
    })
  ),
  write('POST', '/v1/transactions', async (api, ctx) =>
    submitted(await api.submit(await ctx.body(), submitOptions(ctx.query)))
  ),
  write('POST', '/v1/members', async (api, ctx) => {
    const body = await ctx.body()
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('send {"key": "<writer key hex>", "admin": false, "indexer": false}')
    const { key, admin = false, indexer = false } = body as Record<string, unknown>
    if (typeof key !== 'string') throw invalid('"key" must be a writer key as 64 hex characters')
    if (typeof admin !== 'boolean' || typeof indexer !== 'boolean')
      throw invalid('"admin" and "indexer" must be true or false')
    return submitted(await api.addWriter(key, { admin, indexer }, submitOptions(ctx.query)))
  }),
  write('DELETE', '/v1/members/:key', async (api, ctx) =>
    submitted(await api.removeWriter(ctx.params.key, submitOptions(ctx.query)))
  ),
  get('/v1/invites', async (api) => api.invites()),
  write('POST', '/v1/invites', async (api, ctx) => ({
    status: 201,
    body: await api.createInvite(inviteOptions(await ctx.body()))
  })),
  write('DELETE', '/v1/invites/:id', async (api, ctx) => ({
    body: await api.revokeInvite(ctx.params.id)
  })),
  // Verify re-derives the whole ledger: a heavy read, so it needs the token like a write.
  write('POST', '/v1/verify', async (api) => ({ body: await api.verify() })),
  get('/v1/peers', async (api) => api.peers()),
  {
    method: 'GET',
    path: '/v1/events',
    write: false,
    stream: true,
    handle: async (api, { query, lastEventId }) => ({
      body: null,
      events: api.events(eventsFrom(query, lastEventId))
    })
  },
  write('POST', '/v1/peers/blocked', async (api, ctx) => ({
    body: await api.block(await swarmKeyOf(ctx))
  })),
  write('DELETE', '/v1/peers/blocked/:key', async (api, ctx) => ({
    body: await api.unblock(ctx.params.key)
  })),
  write('POST', '/v1/peers/allowed', async (api, ctx) => ({
    body: await api.allow(await swarmKeyOf(ctx))
  })),
  write('DELETE', '/v1/peers/allowed/:key', async (api, ctx) => ({
    body: await api.disallow(ctx.params.key)
  }))
]

/** The swarm key of a `{"key": ...}` body. */
async function swarmKeyOf(ctx: RouteContext): Promise<string> {
  const body = await ctx.body()
  const key =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).key : undefined
  if (typeof key !== 'string')
    throw invalid(
      'send {"key": "<swarm key hex>"}: a peer\'s swarm key, as listed by GET /v1/peers'
    )
  return key
}

function get(path: string, fn: (api: LedgerApi, ctx: RouteContext) => Promise<unknown>): Route {
  return {
    method: 'GET',
    path,
    write: false,
    handle: async (api, ctx) => ({ body: await fn(api, ctx) })
  }
}

function probe(path: string, handle: Route['handle']): Route {
  return { method: 'GET', path, write: false, probe: true, handle }
}

function write(method: Method, path: string, handle: Route['handle']): Route {
  return { method, path, write: true, handle }
}

/** 200 when every transaction has its outcome, 202 when some are still pending. */
function submitted(result: SubmitResult): Reply {
  return { status: result.pending === 0 ? 200 : 202, body: result }
}

function submitOptions(query: URLSearchParams): SubmitOptions {
  const wait = query.get('wait') ?? 'applied'
  if (!(WAIT_MODES as readonly string[]).includes(wait))
    throw invalid(`query parameter "wait" must be one of ${WAIT_MODES.join(', ')}`)
  return {
    wait: wait as WaitMode,
    timeout: intParam(query, 'timeout', MAX_SUBMIT_WAIT_MS) ?? DEFAULT_SUBMIT_WAIT_MS
  }
}

/** Where a stream starts: after the Last-Event-ID of a reconnect, else at `from`, else (undefined) at the current length. */
function eventsFrom(query: URLSearchParams, lastEventId: string | undefined): number | undefined {
  if (lastEventId !== undefined && lastEventId !== '') {
    if (!/^[0-9]{1,15}$/.test(lastEventId))
      throw invalid('Last-Event-ID is the position of the last entry received: a whole number')
    return Number(lastEventId) + 1
  }
  return intParam(query, 'from')
}

function requiredInt(query: URLSearchParams, name: string): number {
  const value = intParam(query, name)
  if (value === undefined) throw invalid(`query parameter "${name}" is required: a ledger position`)
  return value
}

function position(text: string): number {
  if (!/^[0-9]{1,16}$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw invalid('an entry position is a whole number')
  return Number(text)
}

/** The optional `author` query parameter: a writer key, 64 hex. */
function author(query: URLSearchParams): string | undefined {
  const text = query.get('author')
  if (text === null) return undefined
  const key = parseWriterKey(text)
  if (key === null) throw invalid('query parameter "author" is a writer key: 64 hex characters')
  return toHex(key)
}

function recordKey(key: string): string {
  if (key.length === 0 || key.includes('\0'))
    throw invalid('a record key is 1-512 bytes of UTF-8 without NUL')
  return key
}

/** `{ role?, indexer?, expiresIn?, uses? }`, each checked for its type (the node checks the values). */
function inviteOptions(body: unknown): CreateInviteOptions {
  const shape =
    'send {"role": "writer" | "admin", "indexer": false, "expiresIn": <ms, 0 for never>, "uses": 1}, each optional'
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid(shape)
  const { role, indexer, expiresIn, uses } = body as Record<string, unknown>
  if (role !== undefined && role !== 'writer' && role !== 'admin') throw invalid(shape)
  if (indexer !== undefined && typeof indexer !== 'boolean') throw invalid(shape)
  if (expiresIn !== undefined && typeof expiresIn !== 'number') throw invalid(shape)
  if (uses !== undefined && typeof uses !== 'number') throw invalid(shape)
  return { role, indexer, expiresIn, uses } as CreateInviteOptions
}

function invalid(message: string): LedgerError {
  return new LedgerError('INVALID_ARGUMENT', message)
}

/** Find the route for a method and path segments; `allowed` lists the methods of a path that matched otherwise. */
export function matchRoute(
  method: string,
  segments: string[]
): { route: Route; params: Record<string, string> } | { route: null; allowed: Method[] } {
  const allowed: Method[] = []
  for (const route of ROUTES) {
    const params = matchPath(route.path, segments)
    if (params === null) continue
    if (route.method === method) return { route, params }
    allowed.push(route.method)
  }
  return { route: null, allowed }
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.split('/').slice(1)
  if (parts.length !== segments.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(':')) params[parts[i].slice(1)] = segments[i]
    else if (parts[i] !== segments[i]) return null
  }
  return params
}
