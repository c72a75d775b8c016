import test from 'brittle'
import http from 'http'
import net from 'net'
import type { LedgerNode } from '../lib/index.js'
import { ApiServer } from '../lib/http/server.js'
import type { ApiServerOptions } from '../lib/http/server.js'
import { LedgerApi } from '../lib/api/operations.js'
import type { EntryJson } from '../lib/api/operations.js'
import { EventParser, followEvents } from '../lib/http/event-client.js'
import type { StreamEvent, FollowedEvent } from '../lib/http/event-client.js'
import type { StreamEnd } from '../lib/http/events.js'
import { toHex } from '../lib/ledger/ids.js'
import { createNode, link, converged } from './helpers/nodes.js'
import { replay } from './reliability/replay.js'
import { untilWritable, until } from './helpers/wait.js'
import { request } from './helpers/http.js'
import { STEP_TIMEOUT_MS, CONVERGE_TIMEOUT_MS } from './helpers/timeouts.js'

/** Serve a node's HTTP API on loopback; closed when the test ends, before the node. */
async function serve(
  t: test.Test,
  node: LedgerNode,
  opts: Partial<ApiServerOptions> = {}
): Promise<ApiServer> {
  const server = new ApiServer({ api: new LedgerApi(node), token: 'events-test-token', ...opts })
  await server.listen()
  t.teardown(() => server.close(), { order: -1 })
  return server
}

/** An open event stream: the events so far, and a wait for more. */
function open(
  url: string,
  headers: Record<string, string> = {}
): Promise<{ events: StreamEvent[]; raw: string[]; close(): void; status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      const parser = new EventParser()
      const stream = {
        events: [] as StreamEvent[],
        raw: [] as string[],
        close: () => req.destroy()
      }
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        stream.raw.push(chunk)
        stream.events.push(...parser.push(chunk))
      })
      res.on('error', () => {})
      resolve({ ...stream, status: res.statusCode ?? 0, events: stream.events, raw: stream.raw })
    })
    req.on('error', reject)
  })
}

function entriesOf(events: StreamEvent[]): EntryJson[] {
  return events.filter((e) => e.event === 'entry').map((e) => JSON.parse(e.data) as EntryJson)
}

test('events - replay from ?from, then live entries; a reconnect with Last-Event-ID resumes right after it', async (t) => {
  const node = await createNode(t)
  for (let i = 0; i < 4; i++) await node.submit({ type: 'put', key: `k${i}`, value: i })
  await until(async () => node.length === 5 || null, 'five entries')
  const server = await serve(t, node)

  const first = await open(`${server.url}/v1/events?from=2`)
  t.is(first.status, 200, 'the stream opens')
  await until(async () => entriesOf(first.events).length === 3 || null, 'replay')
  await node.submit({ type: 'put', key: 'live', value: 1 })
  await until(async () => entriesOf(first.events).length === 4 || null, 'live')
  first.close()
  const seen = entriesOf(first.events)
  t.alike(
    seen.map((e) => e.position),
    [2, 3, 4, 5],
    'from 2: the stored entries, then the new one'
  )
  t.alike(
    first.events.filter((e) => e.event === 'entry').map((e) => e.id),
    ['2', '3', '4', '5'],
    'each entry has its position as the event id'
  )

  await node.submit({ type: 'put', key: 'while-away', value: 2 })
  const again = await open(`${server.url}/v1/events?from=0`, { 'Last-Event-ID': '5' })
  await node.submit({ type: 'put', key: 'after', value: 3 })
  await until(async () => entriesOf(again.events).length === 2 || null, 'resume')
  again.close()
  const resumed = entriesOf(again.events)
  t.alike(
    resumed.map((e) => e.position),
    [6, 7],
    'Last-Event-ID 5 (over ?from=0): from 6 on, the one written while away first'
  )
  const stored = (await node.entries({ gte: 2 })).items
  t.alike(
    [...seen, ...resumed].map((e) => e.hash),
    stored.map((e) => e.hash),
    'the same entries as stored'
  )
  t.is(
    (await request(`${server.url}/v1/events`, { headers: { 'Last-Event-ID': 'x' } })).json.code,
    'INVALID_ARGUMENT',
    'a Last-Event-ID that is not a position is refused'
  )
})

/** A consumer of the follower: it holds entries from `start`, checking each event against what it holds. */
class Holder {
  entries: EntryJson[] = []
  reorders: number[] = []
  faults: string[] = []
  constructor(readonly start: number) {}
  get length(): number {
    return this.start + this.entries.length
  }
  take(event: FollowedEvent): void {
    if ('entry' in event) {
      const { entry } = event
      if (entry.position !== this.length)
        this.faults.push(`entry ${entry.position} while holding up to ${this.length}`)
      const prev = this.entries.at(-1)
      if (prev !== undefined && entry.prevHash !== prev.hash)
        this.faults.push(`entry ${entry.position} does not chain onto ${prev.position}`)
      this.entries.push(entry)
    } else if ('length' in event) {
      const { length } = event
      if (length > this.length) this.faults.push(`reorder to ${length} beyond ${this.length}`)
      this.reorders.push(length)
      this.entries = this.entries.slice(0, Math.max(0, length - this.start))
    }
  }
}

test('events - across reorders and reconnects (one while the node reordered): the consumer holds the node ledger, no gap, no duplicate', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  let cut = link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey })
  await untilWritable(b)
  await converged([a, b], { final: true })
  const server = await serve(t, b)
  const start = b.length
  const holder = new Holder(start)
  let away = false
  const stop = new AbortController()
  const following = followEvents({
    from: start,
    daemon: async () => (away ? null : { url: server.url, token: null }),
    onEvent: (e) => holder.take(e),
    retryMs: 50,
    signal: stop.signal
  })
  t.teardown(() => stop.abort(), { order: -2 })

  for (let round = 0; round < 4; round++) {
    cut()
    // Apart: b's entries are not final (a is the only indexer) and come after a's when they merge.
    for (let i = 0; i < 3; i++) {
      await a.submit({ type: 'put', key: `a${round}-${i}`, value: i })
      await b.submit({ type: 'put', key: `b${round}-${i}`, value: i })
    }
    await until(async () => holder.length === b.length || null, 'b apart')
    const disconnected = round % 2 === 1
    if (disconnected) {
      // The stream goes down before the merge: b reorders while no stream is open.
      away = true
      server.server.closeAllConnections()
    }
    cut = link(a, b)
    await converged([a, b], { final: true })
    away = false
    const head = await b.head()
    await until(
      async () => (holder.length === head.length ? true : null),
      `round ${round}: the consumer catches up`
    )
  }
  stop.abort()
  await following

  t.alike(holder.faults, [], 'every entry came at the length held, chained onto the one before')
  t.ok(holder.reorders.length >= 4, `reorders told: ${holder.reorders.join(', ')}`)
  const stored = (await b.entries({ gte: start, limit: 1000 })).items
  t.is(holder.length, b.length, 'the consumer holds as many entries as the node')
  t.alike(
    holder.entries.map((e) => e.hash),
    stored.map((e) => e.hash),
    'and the same entries: the node ledger from where it started'
  )
  t.is(holder.entries.at(-1)?.hash, (await b.head()).hash, 'its last entry is the head')
  const replayed = await replay({
    nodes: [
      { name: 'a', ledger: a },
      { name: 'b', ledger: b }
    ],
    writers: [
      { name: 'a', key: toHex(a.writerKey) },
      { name: 'b', key: toHex(b.writerKey) }
    ]
  })
  t.alike(
    replayed.differences,
    [],
    'both nodes hold the ledger a replay of both writer logs derives'
  )
})

test('events - a reader that stops reading is dropped, and the node goes on meanwhile; at most maxStreams at once, heartbeats', async (t) => {
  const node = await createNode(t, { durable: false })
  const big = 'x'.repeat(16 * 1024 - 64)
  for (let i = 0; i < 8; i++)
    await node.submit(
      Array.from({ length: 40 }, (_, j) => ({
        type: 'put' as const,
        key: `big${i}-${j}`,
        value: big
      }))
    )
  await until(async () => node.length > 320 || null, '320 big entries', CONVERGE_TIMEOUT_MS)
  const ended: StreamEnd[] = []
  const server = await serve(t, node, {
    events: { drainTimeoutMs: 300, maxStreams: 2, heartbeatMs: 100 },
    onStreamEnd: (how) => ended.push(how)
  })
  const { port } = new URL(server.url)

  const slow = net.connect(Number(port), '127.0.0.1')
  slow.on('error', () => {})
  t.teardown(() => slow.destroy())
  slow.write(`GET /v1/events?from=0 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
  slow.pause() // reads nothing: the replay of 5 MB fills the socket
  const started = Date.now()
  const written = await node.submit({ type: 'put', key: 'meanwhile', value: 1 })
  await node.waitForTransaction(written.id, { timeout: STEP_TIMEOUT_MS })
  t.pass(`a write is applied while the slow stream is open (${Date.now() - started} ms)`)
  await until(async () => ended.includes('slow') || null, 'the drop')
  t.is(server.streams.size, 0, 'the slow reader was dropped')

  const one = await open(`${server.url}/v1/events`)
  const two = await open(`${server.url}/v1/events`)
  const refused = await request(`${server.url}/v1/events`)
  t.is(refused.status, 503, 'a third stream is refused with 503')
  t.is(refused.json.code, 'TOO_MANY_STREAMS', 'with its code')
  await until(async () => one.raw.join('').includes(': heartbeat\n\n') || null, 'a heartbeat')
  t.pass('an idle stream gets heartbeat comments')
  one.close()
  await until(async () => server.streams.size === 1 || null, 'one closed')
  const three = await open(`${server.url}/v1/events`)
  t.is(three.status, 200, 'once one closed, a new stream opens')
  two.close()
  three.close()
})
