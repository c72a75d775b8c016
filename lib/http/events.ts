import type { IncomingMessage, ServerResponse } from 'http'
import { LedgerError } from '../errors.js'
import type { EventFeed, LedgerEvent } from '../node/events.js'
import { stringify } from '../api/json.js'

export interface EventStreamLimits {
  /** Streams open at once; one more is refused with TOO_MANY_STREAMS. */
  maxStreams: number
  /** A comment line this often keeps proxies and idle clients from closing the stream (ms). */
  heartbeatMs: number
  /** A client whose unread events fill the socket is dropped if it has not read them after this long (ms). */
  drainTimeoutMs: number
}

export const DEFAULT_EVENT_STREAM_LIMITS: EventStreamLimits = {
  maxStreams: 32,
  heartbeatMs: 15_000,
  drainTimeoutMs: 10_000
}

/** How a stream ended: the client went away, it read too slowly, or the node closed. */
export type StreamEnd = 'client' | 'slow' | 'closed'

/** Server-Sent Events over HTTP: at most `maxStreams` at a time, each fed by its own EventFeed. */
export class EventStreams {
  private open = 0

  constructor(
    private readonly limits: EventStreamLimits,
    private readonly onEnd?: (how: StreamEnd) => void
  ) {}

  get size(): number {
    return this.open
  }

  /** Throws TOO_MANY_STREAMS when no stream may open now. */
  checkRoom(): void {
    if (this.open >= this.limits.maxStreams)
      throw new LedgerError(
        'TOO_MANY_STREAMS',
        `${this.open} event streams are open, the most this daemon serves: retry later`
      )
  }

  /** Write the feed's events to `res` until the client goes, reads too slowly, or the feed ends. */
  async serve(req: IncomingMessage, res: ServerResponse, feed: EventFeed): Promise<void> {
    this.open++
    let ended: StreamEnd | null = null
    const end = (how: StreamEnd): void => {
      if (ended !== null) return
      ended = how
      clearInterval(heartbeat)
      feed.close()
      this.open--
      if (how === 'slow') res.destroy()
      else res.end()
      this.onEnd?.(how)
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no'
    })
    res.write(`retry: 1000\n\n`)
    const heartbeat = setInterval(() => {
      if (!res.writableNeedDrain) res.write(': heartbeat\n\n')
    }, this.limits.heartbeatMs)
    req.on('close', () => end('client'))
    res.on('error', () => end('client'))
    try {
      while (ended === null) {
        const event = await feed.next()
        if (event === null) break
        if (ended !== null) break
        if (!res.write(format(event)) && !(await drained(res, this.limits.drainTimeoutMs)))
          end(res.destroyed ? 'client' : 'slow')
      }
    } finally {
      end(feed.endedBy === 'overflow' ? 'slow' : 'closed')
    }
  }
}

/** One event in the text/event-stream format: entries carry their position as the id. */
export function format(event: LedgerEvent): string {
  if (event.type === 'entry')
    return `id: ${event.entry.position}\nevent: entry\ndata: ${stringify(event.entry)}\n\n`
  const { type, ...data } = event
  return `event: ${type}\ndata: ${stringify(data)}\n\n`
}

/** Whether the response drained within `ms` (false too if it closed first). */
function drained(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      res.off('drain', onDrain)
      res.off('close', onClose)
      resolve(ok)
    }
    const onDrain = (): void => done(true)
    const onClose = (): void => done(false)
    const timer = setTimeout(() => done(false), ms)
    res.on('drain', onDrain)
    res.on('close', onClose)
  })
}
