import http from 'http'
import { LedgerError, codeOf } from '../errors.js'
import type { ErrorCode } from '../errors.js'
import type { EntryJson } from '../api/operations.js'
import { HttpClient } from './client.js'

/** One event as the text/event-stream format carries it. */
export interface StreamEvent {
  event: string
  id: string | null
  data: string
}

/** Splits a text/event-stream into events (comments and `retry` lines are skipped). */
export class EventParser {
  private rest = ''
  private event = 'message'
  private id: string | null = null
  private data: string[] = []

  push(chunk: string): StreamEvent[] {
    const lines = (this.rest + chunk).split(/\r\n|\r|\n/)
    this.rest = lines.pop() ?? ''
    const events: StreamEvent[] = []
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0)
          events.push({ event: this.event, id: this.id, data: this.data.join('\n') })
        this.event = 'message'
        this.id = null
        this.data = []
        continue
      }
      if (line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') this.event = value
      else if (field === 'data') this.data.push(value)
      else if (field === 'id') this.id = value
    }
    return events
  }
}

/** What a follower hands on: entries, and the other events of the stream as the daemon sends them. */
export type FollowedEvent =
  | { type: 'entry'; entry: EntryJson }
  | { type: 'reorder'; length: number }
  | { type: string; data: unknown }

export interface FollowOptions {
  /** The daemon now (its base URL, and its token for a daemon that wants one on reads), or null while none runs; asked again before every reconnect. */
  daemon: () => Promise<{ url: string; token: string | null } | null>
  /** The first position to receive. Default: the ledger's length when it starts. */
  from?: number
  onEvent: (event: FollowedEvent) => void
  /** Told when a stream opens, and when it ended and the follower waits to reconnect. */
  onState?: (state: 'connected' | 'disconnected' | 'no-daemon') => void
  /** Wait between reconnects (ms). Default 1000. */
  retryMs?: number
  signal?: AbortSignal
}

/** Codes after which reconnecting cannot help. */
const FATAL: ReadonlySet<ErrorCode> = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'INVALID_ARGUMENT'])

/**
 * Follow a daemon's event stream, reconnecting by itself, so that the consumer holds the ledger
 * from `from` on with no gap and no duplicate: it drops back as each `reorder` says. On a reconnect
 * it resumes after the last entry it handed on when that entry still has the hash it had (one hash
 * names the whole chain before it); otherwise those entries were reordered away meanwhile, and it
 * hands on a `reorder` to the final length it knew, where nothing can have changed.
 */
export async function followEvents(opts: FollowOptions): Promise<void> {
  const retryMs = opts.retryMs ?? 1000
  let next = opts.from ?? null
  let start = next
  let final = 0
  let lastHash: string | null = null
  const hand = (event: FollowedEvent): void => {
    if (event.type === 'entry') {
      const { entry } = event as { entry: EntryJson }
      next = entry.position + 1
      lastHash = entry.hash
      if (entry.final) final = Math.max(final, next)
    } else if (event.type === 'reorder') {
      next = (event as { length: number }).length
      lastHash = null
      final = Math.min(final, next)
    } else if (event.type === 'final') {
      final = Math.max(final, (event as { data: { length: number } }).data.length)
    }
    opts.onEvent(event)
  }
  const aborted = (): boolean => opts.signal?.aborted === true
  while (!aborted()) {
    const daemon = await opts.daemon()
    if (daemon === null) {
      opts.onState?.('no-daemon')
      await pause(retryMs, opts.signal)
      continue
    }
    try {
      const client = new HttpClient(daemon.url, daemon.token)
      if (next === null) next = start = (await client.head()).length
      // Entries at or past the final length may have been reordered while no stream was open.
      const check = next > (start as number) && next > final ? next - 1 : null
      if (check !== null && lastHash === null) {
        hand({ type: 'reorder', length: Math.max(start as number, final) })
        continue
      }
      await stream(client, next, check === null ? null : { position: check, hash: lastHash! }, {
        ...opts,
        onEvent: hand,
        onMismatch: () => hand({ type: 'reorder', length: Math.max(start as number, final) })
      })
    } catch (err) {
      if (FATAL.has(codeOf(err))) throw err
    }
    if (aborted()) break
    opts.onState?.('disconnected')
    await pause(retryMs, opts.signal)
  }
}

/**
 * One stream from `from`. With `expect`, the events wait until the daemon's entry at that position
 * is read after the stream opened (from then on the stream itself reports any reorder): a different
 * hash ends the stream through `onMismatch`.
 */
function stream(
  client: HttpClient,
  from: number,
  expect: { position: number; hash: string } | null,
  opts: FollowOptions & { onMismatch: () => void }
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const abort = (): void => {
      req.destroy()
    }
    opts.signal?.addEventListener('abort', abort, { once: true })
    const done = (): void => {
      opts.signal?.removeEventListener('abort', abort)
      resolve()
    }
    const req = http.get(
      new URL(`/v1/events?from=${from}`, client.url),
      { headers: { Accept: 'text/event-stream', ...client.authorization }, agent: false },
      (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            opts.signal?.removeEventListener('abort', abort)
            reject(replyError(res.statusCode ?? 0, Buffer.concat(chunks)))
          })
          return
        }
        opts.onState?.('connected')
        const parser = new EventParser()
        let held: StreamEvent[] | null = expect === null ? null : []
        const deliver = (events: StreamEvent[]): void => {
          for (const e of events) opts.onEvent(toFollowed(e))
        }
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          const events = parser.push(chunk)
          if (held !== null) held.push(...events)
          else deliver(events)
        })
        res.on('end', done)
        res.on('error', done)
        res.on('close', done)
        if (expect !== null) {
          client.entry(expect.position).then(
            (entry) => {
              const same = entry.hash === expect.hash
              if (!same) {
                res.destroy()
                opts.onMismatch()
                return
              }
              deliver(held!)
              held = null
            },
            () => res.destroy()
          )
        }
      }
    )
    req.on('error', done)
  })
}

function toFollowed(e: StreamEvent): FollowedEvent {
  const data = JSON.parse(e.data) as unknown
  if (e.event === 'entry') return { type: 'entry', entry: data as EntryJson }
  if (e.event === 'reorder') return { type: 'reorder', length: (data as { length: number }).length }
  return { type: e.event, data }
}

function replyError(status: number, body: Buffer): LedgerError {
  try {
    const { code, message } = JSON.parse(body.toString('utf8')) as {
      code: ErrorCode
      message: string
    }
    return new LedgerError(code, message)
  } catch {
    return new LedgerError('DAEMON_UNREACHABLE', `the event stream answered HTTP ${status}`)
  }
}

function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
