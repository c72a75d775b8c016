import type { LedgerNode } from './node.js'
import type { Entry, Member } from '../ledger/results.js'
import type { AlarmEvent, AlarmName } from './health/monitor.js'
import type { LedgerNodeEvents } from './options.js'

/** Entries one read of the stored ledger fetches for a feed. */
const READ_PAGE = 256
/** Events other than entries a feed holds for a consumer that does not take them: past this it closes. */
export const MAX_QUEUED_EVENTS = 1000

/** One event of a node's stream, in order per feed. */
export type LedgerEvent =
  | { type: 'entry'; entry: Entry }
  /** Entries from `length` on were replaced: drop what you hold from there; entries resume at `length`. */
  | { type: 'reorder'; length: number }
  | { type: 'final'; length: number; hash: string }
  | { type: 'peer'; peers: number }
  | { type: 'member'; members: Member[] }
  | { type: 'alarm'; alarm: AlarmName; raised: true; detail: AlarmEvent['alarm'] }
  | { type: 'alarm'; alarm: AlarmName; raised: false }

type Shared = Exclude<LedgerEvent, { type: 'entry' } | { type: 'reorder' }>

/**
 * The events of one node, for any number of feeds: listens to the node only while a feed is open,
 * and reads what every feed shares (the final head, the member list) once for all of them.
 */
export class EventHub {
  private readonly feeds = new Set<EventFeed>()
  private members = ''
  private membersCheck: Promise<void> | null = null
  private membersAgain = false
  private readonly listeners: { [E in keyof LedgerNodeEvents]?: LedgerNodeEvents[E] } = {
    update: () => {
      for (const feed of this.feeds) feed.poke()
      this.checkMembers()
    },
    reorder: ({ length }) => {
      for (const feed of this.feeds) feed.truncated(length)
    },
    final: () => {
      this.node.head().then(
        ({ final }) => this.share({ type: 'final', length: final.length, hash: final.hash }),
        () => {}
      )
    },
    'peer-add': ({ peers }) => this.share({ type: 'peer', peers }),
    'peer-remove': ({ peers }) => this.share({ type: 'peer', peers }),
    alarm: ({ name, alarm }) =>
      this.share({ type: 'alarm', alarm: name, raised: true, detail: alarm }),
    'alarm-cleared': (name) => this.share({ type: 'alarm', alarm: name, raised: false })
  }

  constructor(readonly node: LedgerNode) {}

  /** Open count of feeds. */
  get size(): number {
    return this.feeds.size
  }

  /** A feed of every entry from position `from` on, then live, with the other events as they happen. */
  open(from: number): EventFeed {
    const feed = new EventFeed(this.node, from, () => this.remove(feed))
    if (this.feeds.size === 0) this.listen(true)
    this.feeds.add(feed)
    return feed
  }

  private remove(feed: EventFeed): void {
    if (!this.feeds.delete(feed)) return
    if (this.feeds.size === 0) this.listen(false)
  }

  private listen(on: boolean): void {
    for (const [event, fn] of Object.entries(this.listeners)) {
      const name = event as keyof LedgerNodeEvents
      if (on) this.node.on(name, fn as never)
      else this.node.off(name, fn as never)
    }
    if (on) {
      this.members = ''
      this.checkMembers()
    }
  }

  private share(event: Shared): void {
    for (const feed of this.feeds) feed.push(event)
  }

  /** Compare the member list with the last one seen (one read at a time; the first read only sets it). */
  private checkMembers(): void {
    if (this.membersCheck !== null) {
      this.membersAgain = true
      return
    }
    this.membersCheck = this.node
      .members()
      .then(
        (members) => {
          const text = JSON.stringify(members)
          if (this.members !== '' && text !== this.members) this.share({ type: 'member', members })
          this.members = text
        },
        () => {}
      )
      .finally(() => {
        this.membersCheck = null
        if (this.membersAgain && this.feeds.size > 0) {
          this.membersAgain = false
          this.checkMembers()
        }
      })
  }
}

/**
 * One consumer's events, pulled with `next`: the stored entries from `from` on, then new ones as
 * the node applies them. It tracks how many entries it handed out (`sent`): when a reorder cuts
 * below that, the next event is a `reorder` to the cut, and entries go on from there, so that a
 * consumer that drops back as told holds the node's ledger, without gaps or duplicates.
 */
export class EventFeed {
  /** Entries handed out: the consumer holds positions 0 to sent - 1. */
  private sent: number
  /** Entries read ahead, from position `sent` on. */
  private buffered: Entry[] = []
  private readonly queue: Shared[] = []
  private cutTo: number | null = null
  /** A read of the ledger is under way; a reorder meanwhile makes its result stale. */
  private reading = false
  private stale = false
  private wake: (() => void) | null = null
  private closed = false
  /** Why the feed ended on its own: `overflow` (the consumer took too little). */
  endedBy: 'overflow' | null = null
  constructor(
    private readonly node: LedgerNode,
    from: number,
    private readonly onClose: () => void
  ) {
    this.sent = from
  }

  /** The next event; null once the feed is closed. */
  async next(): Promise<LedgerEvent | null> {
    for (;;) {
      if (this.closed) return null
      if (this.cutTo !== null) {
        const length = this.cutTo
        this.cutTo = null
        this.sent = length
        return { type: 'reorder', length }
      }
      const shared = this.queue.shift()
      if (shared !== undefined) return shared
      const entry = this.buffered.shift()
      if (entry !== undefined) {
        this.sent++
        return { type: 'entry', entry }
      }
      if (this.sent < this.node.length) await this.readAhead()
      else await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }

  /** The node truncated its view to `length`: forget what was read beyond it, and tell the consumer if it holds more. */
  truncated(length: number): void {
    if (this.reading) this.stale = true
    this.buffered = this.buffered.slice(0, Math.max(0, length - this.sent))
    if (length < this.sent) this.cutTo = Math.min(this.cutTo ?? length, length)
    this.poke()
  }

  push(event: Shared): void {
    if (this.closed) return
    if (this.queue.length >= MAX_QUEUED_EVENTS) {
      this.endedBy = 'overflow'
      this.close()
      return
    }
    this.queue.push(event)
    this.poke()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.onClose()
    this.poke()
  }

  private async readAhead(): Promise<void> {
    const from = this.sent
    this.reading = true
    this.stale = false
    try {
      const { items } = await this.node.entries({
        gte: from,
        lt: Math.min(this.node.length, from + READ_PAGE),
        limit: READ_PAGE
      })
      if (this.stale || this.sent !== from) return
      this.buffered = items
      // Not stored here yet (a node that fast-forwarded fetches them): wait for the next change.
      if (items.length === 0) await new Promise<void>((resolve) => (this.wake = resolve))
    } catch (err) {
      if (!this.node.closing) throw err
      this.close()
    } finally {
      this.reading = false
    }
  }

  /** Something changed: a waiting `next` looks again. */
  poke(): void {
    const wake = this.wake
    this.wake = null
    wake?.()
  }
}
