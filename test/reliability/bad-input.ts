/**
 * Bad input at every door: the HTTP API of a real daemon, the CLI's arguments, and the files of a
 * data directory. Every refusal must be one line with a stable, documented code and the documented
 * exit status or HTTP status; nothing may stop the daemon or change the store.
 */
import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import crypto from 'crypto'
import createTestnet from 'hyperdht/testnet.js'
import { REJECT_REASONS, ERROR_CODES, httpStatusOf } from '../../lib/index.js'
import { Spawned, cli } from '../helpers/cli.js'
import type { Ready } from '../helpers/cli.js'
import http from 'http'
import net from 'net'
import { Random, seedFromEnv } from '../helpers/random.js'
import { Report } from './report.js'

/** Every code the CLI and the HTTP API may show (README: exit codes, HTTP errors, rejection codes). */
export const DOCUMENTED_CODES = new Set<string>([...ERROR_CODES, ...REJECT_REASONS])

// ---------------------------------------------------------------------------------------------
// Shared fixtures: temp dirs, a loopback DHT, a daemon process. None needs a test object.

export async function tempDir (prefix = 'autoledger-bad-input-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix))
}

/** A fresh private DHT on 127.0.0.1 in this process; `bootstrap` is what --bootstrap takes. */
export async function loopbackDht (): Promise<{ bootstrap: string, destroy: () => Promise<void> }> {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  return { bootstrap: testnet.bootstrap.map(a => `${a.host}:${a.port}`).join(','), destroy: () => testnet.destroy() }
}

export interface DaemonProc { proc: Spawned, ready: Ready, token: string, url: string }

/** `autoledger run --json` on an initialized directory; resolves once it is serving. */
export async function runDaemon (dir: string, args: string[] = []): Promise<DaemonProc> {
  const proc = new Spawned(['run', '--json', '--dir', dir, ...args])
  try {
    const ready = JSON.parse(await proc.line(l => l.startsWith('{'), { timeout: 30_000 })) as Ready
    const token = (await fs.readFile(path.join(dir, 'token'), 'utf8')).trim()
    return { proc, ready, token, url: ready.url }
  } catch (err) {
    await proc.stop('SIGKILL')
    throw err
  }
}

/** `init --json` on a fresh directory under `root`. */
async function initLedger (dir: string, bootstrap: string): Promise<{ key: string, writerKey: string }> {
  const r = await cli(['init', '--json', '--dir', dir, '--bootstrap', bootstrap])
  if (r.code !== 0) throw new Error(`init failed (${r.code}): ${r.stderr}`)
  return r.lines[0] as { key: string, writerKey: string }
}

/** Run `fn` over `items` with at most `limit` at a time. */
export async function pool<T> (items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/** `status --json` with no daemon running: opens the store directly. */
async function offlineStatus (dir: string): Promise<{ head: string, length: number, daemon: unknown } | null> {
  const r = await cli(['status', '--json', '--dir', dir])
  return r.code === 0 ? r.lines[0] as { head: string, length: number, daemon: unknown } : null
}

/** A digest of every file under `dir` (names, sizes, contents): equal digests mean the store was not touched. */
export async function treeDigest (dir: string): Promise<string> {
  const hash = crypto.createHash('sha256')
  const walk = async (d: string): Promise<void> => {
    const names = (await fs.readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))
    for (const e of names) {
      const p = path.join(d, e.name)
      hash.update(path.relative(dir, p) + '\0')
      if (e.isDirectory()) await walk(p)
      else if (e.isFile()) hash.update(await fs.readFile(p))
    }
  }
  await walk(dir)
  return hash.digest('hex')
}


// ---------------------------------------------------------------------------------------------
// 1. The HTTP API of a real daemon.

export interface HttpSizes {
  /** Generated requests (plus raw-socket and half-sent cases, about a tenth as many). Default 3000. */
  httpCases?: number
  /** Requests in flight at once. Default 16. */
  concurrency?: number
  seed?: number
}

interface HttpCase {
  kind: string
  method: string
  path: string
  headers?: Record<string, string>
  body?: string | Buffer
  /** Send the body in several chunks without Content-Length (chunked transfer encoding). */
  chunked?: boolean
  /** Statuses that are right for this case; undefined: any non-2xx (a read may also answer 200). */
  expect?: number[]
  /** Codes that are right for this case, when it has an expectation. */
  codes?: string[]
  /** A read: 200 is fine too. */
  read?: boolean
  /** A good write, counted and checked to be in the ledger afterwards. */
  good?: boolean
}

interface HttpReply { status: number, headers: http.IncomingHttpHeaders, text: string }

/** Checks one error reply: documented status for a documented code, JSON `{ code, message }`, one-line message. */
export function checkErrorReply (status: number, text: string, contentType: string | undefined): string | null {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `status ${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`
  }
  const { code, message } = (body ?? {}) as { code?: unknown, message?: unknown }
  if (typeof code !== 'string' || typeof message !== 'string') return `status ${status} without { code, message }: ${text.slice(0, 200)}`
  if (!DOCUMENTED_CODES.has(code)) return `undocumented code ${code}`
  if (httpStatusOf(code) !== status) return `${code} came with status ${status}, documented ${httpStatusOf(code)}`
  if (/[\r\n]/.test(message) || message.length === 0 || message.length > 500) return `${code}: the message is not one line: ${JSON.stringify(message.slice(0, 200))}`
  if (contentType !== undefined && !contentType.startsWith('application/json')) return `${code}: content-type ${contentType}`
  return null
}

const OTHER_KEY = 'cd'.repeat(32)
const BAD_RECORD_KEY: unknown[] = ['', 'a\u0000b', 'x'.repeat(513), '\u00e9'.repeat(257), 5, true, null, [], {}]
const BAD_ACCOUNT: unknown[] = ['', 'UPPER', '-x', '.x', '_x', 'a b', 'x'.repeat(65), '\u00fcn\u00efcode', 'a/b', 'AB'.repeat(32), 'a\u0000', 5, true, null, [], {}]
const BAD_AMOUNT: unknown[] = [0, -1, 1.5, 2 ** 53, -0.5, '0', '00', '-5', '1.5', '1e3', ' 5', '5 ', '', 'abc', '0x10', '9'.repeat(41),
  '340282366920938463463374607431768211456', true, false, null, [], [1], {}, { n: 1 }]
const BAD_WRITER_KEY: unknown[] = ['', 'zz', 'ab'.repeat(31), 'ab'.repeat(33), 'g'.repeat(64), ' ' + 'a'.repeat(63), 'ab'.repeat(31) + 'a\u0000', 5, true, null, [], {}, [1, 2]]
const BAD_MEMO: unknown[] = ['x'.repeat(257), '\u00e9'.repeat(129), 5, true, null, [], {}]
const BAD_ROLE: unknown[] = ['root', 'Admin', 'WRITER', '', 5, true, [], {}]
const BAD_BOOL: unknown[] = ['yes', 'true', 1, 0, [], {}, 'false']
const BAD_FORMAT: unknown[] = [1.5, '2', null, true, [], {}, 2 ** 53]
const BAD_ID: unknown[] = ['', 'xyz', 'a'.repeat(31), 'a'.repeat(33), 'g'.repeat(32), 5, true, null, [], {}]
const BAD_TIMESTAMP: unknown[] = [-1, 1.5, '123', 'now', true, [], {}, 2 ** 60]
const BAD_TYPE: unknown[] = ['steal', '', 'PUT', 'put ', 'transfer\u0000', 5, null, true, [], {}]

function deepArray (depth: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

/** Valid transactions of every type (for the node's own writer key `me`), and for each field a list of values that make it invalid. */
function txShapes (me: string): Array<{ type: string, tx: Record<string, unknown>, bad: Record<string, unknown[]>, required: string[] }> {
  return [
    { type: 'put', tx: { type: 'put', key: 'k', value: 1 }, bad: { key: BAD_RECORD_KEY, value: ['x'.repeat(17_000), deepArray(70)] }, required: ['key', 'value'] },
    { type: 'del', tx: { type: 'del', key: 'k' }, bad: { key: BAD_RECORD_KEY }, required: ['key'] },
    { type: 'open-account', tx: { type: 'open-account', account: 'acct' }, bad: { account: BAD_ACCOUNT }, required: ['account'] },
    { type: 'mint', tx: { type: 'mint', account: me, amount: '5' }, bad: { account: BAD_ACCOUNT, amount: BAD_AMOUNT }, required: ['account', 'amount'] },
    { type: 'transfer', tx: { type: 'transfer', from: me, to: me, amount: '1', memo: 'm' }, bad: { from: BAD_ACCOUNT, to: BAD_ACCOUNT, amount: BAD_AMOUNT, memo: BAD_MEMO }, required: ['from', 'to', 'amount'] },
    { type: 'add-writer', tx: { type: 'add-writer', key: OTHER_KEY, role: 'writer', indexer: false }, bad: { key: BAD_WRITER_KEY, role: BAD_ROLE, indexer: BAD_BOOL }, required: ['key'] },
    { type: 'remove-writer', tx: { type: 'remove-writer', key: OTHER_KEY }, bad: { key: BAD_WRITER_KEY }, required: ['key'] },
    { type: 'add-owner', tx: { type: 'add-owner', account: 'acct', key: OTHER_KEY }, bad: { account: BAD_ACCOUNT, key: BAD_WRITER_KEY }, required: ['account', 'key'] },
    { type: 'set-version', tx: { type: 'set-version', format: 1 }, bad: { format: BAD_FORMAT }, required: ['format'] }
  ]
}

/** A transaction that could never be accepted: one field of a valid one made wrong, or left out. */
function badTx (r: Random, me: string): { tx: Record<string, unknown>, what: string } {
  const shape = r.pick(txShapes(me))
  const tx: Record<string, unknown> = { ...shape.tx }
  const common: Record<string, unknown[]> = { id: BAD_ID, timestamp: BAD_TIMESTAMP, type: BAD_TYPE }
  if (r.int(6) === 0) {
    const field = r.pick(shape.required)
    delete tx[field]
    return { tx, what: `${shape.type} without ${field}` }
  }
  const fields = { ...shape.bad, ...common }
  const field = r.pick(Object.keys(fields))
  tx[field] = r.pick(fields[field])
  return { tx, what: `${shape.type}.${field}` }
}

const PREFIXES = ['/v1/entries/', '/v1/transactions/', '/v1/records/', '/v1/accounts/', '/v1/', '/', '/v1/status/', '/v2/', '/v1/members/']
const JUNK = ['%', '%zz', '%E0%A4%A', '%C0%AF', '%FF', '%00', '%0A', '%2F', '..', '.', '-1', '1.5', '99999999999999999', 'abc', 'x'.repeat(300), '%F0%9F%92%A9', '~', ';', ',', '!', '*', "'", '(', ')']

function junkSegment (r: Random): string {
  let s = ''
  const n = 1 + r.int(4)
  for (let i = 0; i < n; i++) s += r.int(3) === 0 ? String(r.int(100000)) : r.pick(JUNK)
  return s
}

/** Generate `n` bad requests (and a good write every so often) from the seed. */
function httpCases (r: Random, n: number, me: string, token: string, oversized: Buffer): HttpCase[] {
  const cases: HttpCase[] = []
  const auth = { Authorization: `Bearer ${token}` }
  const validTx = (): string => JSON.stringify({ type: 'put', key: `never/${r.int(1e9)}`, value: r.int(1000) })
  const body400 = (kind: string, body: string | Buffer, codes?: string[], p = '/v1/transactions'): HttpCase => ({ kind, method: 'POST', path: p, headers: auth, body, expect: [400], ...(codes === undefined ? {} : { codes }) })
  const generators: Array<[number, () => HttpCase]> = [
    [10, () => {
      const text = validTx()
      const pick = r.int(8)
      const body = pick === 0 ? text.slice(0, r.int(text.length))
        : pick === 1 ? Buffer.from(r.bytes(1 + r.int(200)))
          : pick === 2 ? text + r.pick(['x', '}', ',', ' ,{}', '\u0000'])
            : pick === 3 ? '\uFEFF' + text
              : pick === 4 ? text.replace(/"/g, "'")
                : pick === 5 ? r.pick(['{', '[', '{"type":', 'NaN', 'undefined', '{type:"put"}', '/* */{}', '', '   ', '\n', '[1,]', '{"a":1,}'])
                  : pick === 6 ? text.replace(':', '::')
                    : Array.from(r.bytes(1 + r.int(60)), b => String.fromCharCode(32 + (b % 95))).join('')
      return body400('malformed JSON', body, ['BAD_JSON', 'INVALID_ARGUMENT'])
    }],
    [30, () => {
      const { tx, what } = badTx(r, me)
      return body400(`wrong field: ${what.split('.')[0]}`, JSON.stringify(tx), ['INVALID_ARGUMENT', ...REJECT_REASONS])
    }],
    [6, () => {
      // A batch of good transactions with one bad one: nothing of it may be written.
      const list: unknown[] = Array.from({ length: 1 + r.int(5) }, () => JSON.parse(validTx()))
      list.splice(r.int(list.length + 1), 0, badTx(r, me).tx)
      return body400('batch with one bad transaction', JSON.stringify(list), ['INVALID_ARGUMENT', ...REJECT_REASONS])
    }],
    [4, () => {
      const pick = r.int(4)
      const body = pick === 0 ? JSON.stringify({ key: r.pick(BAD_WRITER_KEY) })
        : pick === 1 ? JSON.stringify({ key: OTHER_KEY, admin: r.pick([...BAD_BOOL, null]) })
          : pick === 2 ? JSON.stringify({ key: OTHER_KEY, indexer: r.pick([...BAD_BOOL, null]) })
            : r.pick(['[]', '5', 'null', '"x"', '{}', '[{"key":"' + OTHER_KEY + '"}]', 'true'])
      return body400('members body', body, ['INVALID_ARGUMENT'], '/v1/members')
    }],
    [2, () => ({ kind: 'members delete bad key', method: 'DELETE', path: '/v1/members/' + encodeURIComponent(String(r.pick(BAD_WRITER_KEY.filter(k => k !== '')))), headers: auth, expect: [400], codes: ['INVALID_ARGUMENT'] })],
    [2, () => {
      const size = 1024 * 1024 + 1 + r.int(200_000)
      return { kind: 'oversized body', method: 'POST', path: r.pick(['/v1/transactions', '/v1/members']), headers: auth, body: oversized.subarray(0, size), chunked: r.int(2) === 0, expect: [413], codes: ['PAYLOAD_TOO_LARGE'] }
    }],
    [3, () => {
      const depth = 1000 + r.int(400_000)
      const pick = r.int(4)
      const body = pick === 0 ? '['.repeat(depth) + ']'.repeat(depth)
        : pick === 1 ? '{"type":"put","key":"k","value":' + '['.repeat(depth) + ']'.repeat(depth) + '}'
          : pick === 2 ? JSON.stringify(Array.from({ length: 1001 }, () => ({ type: 'del', key: 'k' })))
            : JSON.stringify({ type: 'put', key: 'k', value: Object.fromEntries(Array.from({ length: 3000 + r.int(20_000) }, (_, i) => [`k${i}`, i])) })
      return body400('huge or deep JSON', body, ['BAD_JSON', 'INVALID_ARGUMENT', 'INVALID_VALUE'])
    }],
    [12, () => {
      const p = r.pick(PREFIXES) + junkSegment(r) + (r.int(4) === 0 ? '/' + r.pick(['history', 'x', '']) : '')
      return { kind: 'bad or unknown route', method: 'GET', path: p, read: true }
    }],
    [2, () => ({ kind: 'very long URL', method: 'GET', path: '/v1/records/' + 'x'.repeat(17_000 + r.int(20_000)), expect: [431], codes: ['HEADERS_TOO_LARGE'] })],
    [8, () => {
      const routes: Array<[string, string[]]> = [['/v1/status', ['GET']], ['/v1/head', ['GET']], ['/v1/entries', ['GET']], ['/v1/entries/0', ['GET']],
        ['/v1/transactions', ['POST']], ['/v1/members', ['GET', 'POST']], ['/v1/members/' + OTHER_KEY, ['DELETE']], ['/v1/records/k', ['GET']], ['/v1/accounts/x/history', ['GET']]]
      const [p, allowed] = r.pick(routes)
      const method = r.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].filter(m => !allowed.includes(m)))
      return { kind: 'wrong method', method, path: p, headers: auth, ...(method === 'POST' || method === 'PUT' || method === 'PATCH' ? { body: validTx() } : {}), expect: [405], codes: ['METHOD_NOT_ALLOWED'] }
    }],
    [1, () => ({ kind: 'unknown method', method: r.pick(['FOO', 'BREW', 'GETT']), path: '/v1/status', expect: [400], codes: ['BAD_REQUEST'] })],
    [4, () => ({ kind: 'bad percent-encoding', method: 'GET', path: r.pick(['/v1/records/', '/v1/accounts/', '/v1/transactions/', '/v1/entries/', '/v1/records/k%zz/']) + r.pick(['%', '%zz', '%E0%A4%A', '%C0%AF', '%FF', 'a%', '%%', '%G1', '%ED%A0%80']) + (r.int(2) === 0 ? '/history' : ''), expect: [400, 404], codes: ['INVALID_ARGUMENT', 'ROUTE_NOT_FOUND'] })],
    [10, () => {
      const pick = r.int(4)
      const badInt = r.pick(['-1', 'abc', '1.5', '', '1e3', '99999999999999999', '0x1', '%20', '1%00'])
      if (pick === 0) return { kind: 'bad query: limit', method: 'GET', path: `${r.pick(['/v1/entries', '/v1/records/k/history', '/v1/accounts/x/history'])}?limit=${r.pick(['0', '1001', '5000', ...[badInt]])}`, expect: [400], codes: ['INVALID_ARGUMENT'] }
      if (pick === 1) return { kind: 'bad query: gte/lt/reverse', method: 'GET', path: r.pick([`/v1/entries?gte=${badInt}`, `/v1/entries?lt=${badInt}`, `/v1/records/k/history?lt=${badInt}`, `/v1/entries?reverse=${r.pick(['sideways', '2', 'TRUE', 'no', 'yes'])}`]), expect: [400], codes: ['INVALID_ARGUMENT'] }
      // A good body with a bad wait or timeout: refused, and nothing written.
      const query = pick === 2 ? `wait=${r.pick(['maybe', '', 'APPLIED', 'final%20', '0', 'none,final'])}` : `timeout=${r.pick(['-1', 'abc', '120001', '1.5', '', '1e3', '99999999999999999'])}`
      return { kind: 'bad query: wait/timeout', method: 'POST', path: `${r.pick(['/v1/transactions', '/v1/members'])}?${query}`, headers: auth, body: r.int(2) === 0 ? validTx() : JSON.stringify({ key: OTHER_KEY }), expect: [400], codes: ['INVALID_ARGUMENT'] }
    }],
    [8, () => {
      const wrong = r.pick([null, 'Bearer', 'Bearer ', `Bearer ${token.slice(1)}`, `Bearer ${token}x`, `Basic ${token}`, token, `Bearer ${token.toUpperCase()}`, `Bearer ${token} ${token}`,
        `Bearer ${'f'.repeat(64)}`, 'Bearer \u00e9', `Token ${token}`])
      const [method, p, body] = r.pick<[string, string, string | undefined]>([['POST', '/v1/transactions', validTx()], ['POST', '/v1/members', JSON.stringify({ key: OTHER_KEY })], ['DELETE', `/v1/members/${OTHER_KEY}`, undefined]])
      return { kind: 'missing or wrong token', method, path: p, headers: wrong === null ? {} : { Authorization: wrong }, ...(body === undefined ? {} : { body }), expect: [401], codes: ['UNAUTHORIZED'] }
    }],
    [6, () => {
      const host = r.pick(['evil.example', 'evil.example:80', '10.0.0.1', '', '127.0.0.1.nip.io', 'localhost.', '[::2]:80', '0.0.0.0', '127.0.0.1:80:80', '127.1', 'x'.repeat(300)])
      const write = r.int(2) === 0
      return { kind: 'wrong Host header', method: write ? 'POST' : 'GET', path: write ? '/v1/transactions' : r.pick(['/v1/status', '/v1/head', '/v1/entries']), headers: { Host: host, ...(write ? auth : {}) }, ...(write ? { body: validTx() } : {}), expect: [403], codes: ['FORBIDDEN'] }
    }],
    [3, () => ({ kind: 'good write', method: 'POST', path: '/v1/transactions', headers: auth, body: JSON.stringify({ type: 'put', key: `good/${r.int(1e9)}`, value: r.int(1000) }), expect: [200], good: true })]
  ]
  const total = generators.reduce((s, [w]) => s + w, 0)
  for (let i = 0; i < n; i++) {
    let x = r.int(total)
    for (const [w, gen] of generators) {
      if (x < w) { cases.push(gen()); break }
      x -= w
    }
  }
  return cases
}

async function sendHttp (agent: http.Agent, base: URL, c: HttpCase): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...c.headers }
    if (c.body !== undefined && c.chunked !== true) headers['Content-Length'] = Buffer.byteLength(c.body)
    const req = http.request({ host: base.hostname, port: base.port, method: c.method, path: c.path, headers, agent, setHost: !('Host' in headers) }, res => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(60_000, () => req.destroy(new Error('no reply within 60 s')))
    if (c.body !== undefined && c.chunked === true) {
      const body = Buffer.from(c.body)
      for (let i = 0; i < body.length; i += 256 * 1024) req.write(body.subarray(i, i + 256 * 1024))
      req.end()
    } else {
      req.end(c.body)
    }
  })
}

/** Raw bytes on a TCP socket: what comes back (empty if the server just closes). */
async function rawSocket (port: number, data: Buffer | string, mode: 'wait' | 'end' | 'destroy'): Promise<string> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(data)
      if (mode === 'end') socket.end()
      if (mode === 'destroy') socket.destroy()
    })
    const timer = setTimeout(() => socket.destroy(), 10_000)
    socket.on('data', (d: Buffer) => {
      chunks.push(d)
      // One whole response is enough (a keep-alive server would leave the connection open).
      const text = Buffer.concat(chunks).toString('utf8')
      const res = parseRaw(text)
      const length = /^content-length:\s*(\d+)/im.exec(text)?.[1]
      if (res !== null && length !== undefined && Buffer.byteLength(res.body) >= Number(length)) socket.destroy()
    })
    socket.on('error', () => {})
    socket.on('close', () => { clearTimeout(timer); resolve(Buffer.concat(chunks).toString('utf8')) })
  })
}

/** A raw HTTP response: status and body (Content-Length framed; the server closes after an error). */
function parseRaw (text: string): { status: number, contentType: string | undefined, body: string } | null {
  const m = /^HTTP\/1\.1 (\d{3}) [^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text)
  if (m === null) return null
  const contentType = /^content-type:\s*([^\r\n]*)/im.exec(m[2])?.[1]
  return { status: Number(m[1]), contentType, body: m[3] }
}

function rawCases (r: Random, n: number, token: string): Array<{ kind: string, data: Buffer | string, mode: 'wait' | 'end' | 'destroy', reply: boolean }> {
  const out: Array<{ kind: string, data: Buffer | string, mode: 'wait' | 'end' | 'destroy', reply: boolean }> = []
  const post = `POST /v1/transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n`
  const structured = [
    'NOT HTTP AT ALL\r\n\r\n', 'GET /v1/status HTTP/9.9\r\n\r\n', 'GET /v1/status HTTP/1.1\r\nNo colon here\r\n\r\n',
    'GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\u0001b\r\n\r\n', `GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`,
    'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', Buffer.from('16030100a5010000a10303', 'hex'), 'GET /v1/status\r\n\r\n', '\r\n\r\nGET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    `${post}Content-Length: abc\r\n\r\n{}`, `${post}Content-Length: -1\r\n\r\n`, `${post}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    `${post}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 'GET http://evil.example/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    'GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
  ]
  const tx = '{"type":"put","key":"half","value":1}'
  for (let i = 0; i < n; i++) {
    const pick = r.int(4)
    if (pick === 0) out.push({ kind: 'raw garbage', data: Buffer.from(r.bytes(1 + r.int(3000))), mode: 'end', reply: false })
    else if (pick === 1) out.push({ kind: 'raw malformed HTTP', data: r.pick(structured), mode: 'wait', reply: true })
    else {
      // Half-sent: headers cut off, or a body shorter than its Content-Length; then hang up or half-close.
      const full = `${post}Content-Length: ${tx.length + 10}\r\n\r\n${tx}`
      out.push({ kind: 'half-sent request', data: full.slice(0, 1 + r.int(full.length - 1)), mode: r.pick(['end', 'destroy']), reply: false })
    }
  }
  return out
}

/** Thousands of bad requests at a real daemon: every reply documented, the daemon alive, the ledger changed only by good writes. */
export async function httpBadInput (sizes: HttpSizes = {}): Promise<Report> {
  const report = new Report('bad input: HTTP API')
  const seed = sizes.seed ?? seedFromEnv()
  const r = new Random(seed)
  report.figures.seed = seed
  const root = await tempDir()
  const dht = await loopbackDht()
  let daemon: DaemonProc | null = null
  const agent = new http.Agent({ keepAlive: true, maxSockets: sizes.concurrency ?? 16 })
  try {
    const dir = path.join(root, 'node')
    const { writerKey } = await initLedger(dir, dht.bootstrap)
    daemon = await runDaemon(dir)
    const base = new URL(daemon.url)
    const get = async (p: string): Promise<any> => JSON.parse((await sendHttp(agent, base, { kind: 'read', method: 'GET', path: p })).text)
    const before = await get('/v1/head') as { length: number, hash: string }

    const oversized = Buffer.alloc(1024 * 1024 + 200_001, 'x')
    const cases = httpCases(r, sizes.httpCases ?? 3000, writerKey, daemon.token, oversized)
    const raw = rawCases(r, Math.ceil((sizes.httpCases ?? 3000) / 10), daemon.token)
    const failures: string[] = []
    const fail = (what: string): void => { if (failures.length < 20) failures.push(what) }
    const statuses: Record<string, number> = {}
    const goodIds = new Set<string>()
    let serverErrors = 0
    const started = Date.now()
    await pool(cases, sizes.concurrency ?? 16, async c => {
      report.count(c.good === true ? 'good writes' : `http: ${c.kind}`)
      let reply: HttpReply
      try {
        reply = await sendHttp(agent, base, c)
      } catch (err) {
        fail(`${c.kind} ${c.method} ${c.path.slice(0, 80)}: no reply (${(err as Error).message})`)
        return
      }
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1
      if (reply.status >= 500) serverErrors++
      if (c.good === true) {
        const item = reply.status === 200 ? (JSON.parse(reply.text) as { transactions: Array<{ id: string, entry: { outcome: string } | null }> }).transactions[0] : null
        if (item?.entry?.outcome !== 'accepted') fail(`good write got ${reply.status}: ${reply.text.slice(0, 200)}`)
        else goodIds.add(item.id)
        return
      }
      const what = `${c.kind}: ${c.method} ${c.path.slice(0, 100)}${typeof c.body === 'string' ? ' ' + c.body.slice(0, 120) : ''}`
      if (reply.status < 300) {
        if (c.read !== true) fail(`${what}: accepted with ${reply.status}: ${reply.text.slice(0, 200)}`)
        return
      }
      if (c.expect !== undefined && !c.expect.includes(reply.status)) fail(`${what}: status ${reply.status}, expected ${c.expect.join('/')}: ${reply.text.slice(0, 200)}`)
      if (c.method === 'HEAD') return
      const problem = checkErrorReply(reply.status, reply.text, reply.headers['content-type'])
      if (problem !== null) fail(`${what}: ${problem}`)
      else if (c.codes !== undefined && !c.codes.includes((JSON.parse(reply.text) as { code: string }).code)) fail(`${what}: code ${(JSON.parse(reply.text) as { code: string }).code}, expected ${c.codes.join('/')}`)
    })
    report.figures.httpMs = Date.now() - started
    report.figures.statuses = JSON.stringify(statuses)

    let rawReplies = 0
    await pool(raw, 8, async c => {
      report.count(`http: ${c.kind}`)
      const text = await rawSocket(Number(base.port), c.data, c.mode)
      if (text.length === 0) {
        if (c.reply) fail(`${c.kind} ${JSON.stringify(String(c.data).slice(0, 60))}: no reply`)
        return
      }
      rawReplies++
      const res = parseRaw(text)
      if (res === null) { fail(`${c.kind}: not an HTTP reply: ${JSON.stringify(text.slice(0, 100))}`); return }
      if (res.status < 300) {
        if (c.kind === 'raw malformed HTTP' && /\/v1\/status/.test(String(c.data)) && !/evil/.test(String(c.data))) return // the one well-formed request in the list
        fail(`${c.kind} ${JSON.stringify(String(c.data).slice(0, 60))}: status ${res.status}`)
        return
      }
      const problem = checkErrorReply(res.status, res.body, res.contentType)
      if (problem !== null) fail(`${c.kind} ${JSON.stringify(String(c.data).slice(0, 60))}: ${problem}`)
    })
    report.figures.rawReplies = rawReplies

    report.check('every bad request got its documented status and a one-line { code, message } with a documented code', failures.length === 0, failures.join('\n'))
    report.check('no request made the server fail (no 5xx)', serverErrors === 0, `${serverErrors} replies with status >= 500`)
    report.check('the daemon is still running', daemon.proc.running, daemon.proc.stderrLines.slice(-5).join('\n'))
    const errors = daemon.proc.stderrLines.filter(l => l.includes('"level":"error"'))
    report.check('the daemon logged no errors', errors.length === 0, errors.slice(0, 5).join('\n'))

    // Only the good writes changed the ledger.
    const after = await get('/v1/head') as { length: number, hash: string }
    const added: string[] = []
    for (let gte = before.length; gte < after.length;) {
      const page = await get(`/v1/entries?gte=${gte}&limit=1000`) as { items: Array<{ id: string, position: number }>, next: number | null }
      added.push(...page.items.map(e => e.id))
      if (page.next === null) break
      gte = page.next
    }
    const strangers = added.filter(id => !goodIds.has(id))
    report.check('the ledger grew by exactly the good writes', after.length === before.length + goodIds.size && strangers.length === 0,
      `length ${before.length} -> ${after.length}, ${goodIds.size} good writes, ${strangers.length} other entries`)

    const last = await sendHttp(agent, base, { kind: 'good write', method: 'POST', path: '/v1/transactions', headers: { Authorization: `Bearer ${daemon.token}` }, body: '{"type":"put","key":"still","value":"serving"}' })
    report.check('a good write after all that is accepted', last.status === 200, `${last.status} ${last.text.slice(0, 200)}`)
    const head = await get('/v1/head') as { length: number, hash: string }
    report.figures.ledgerLength = head.length

    agent.destroy()
    const code = await daemon.proc.stop()
    report.check('SIGTERM stops the daemon cleanly (exit 0)', code === 0, `exit ${code}`)
    const reopened = await offlineStatus(dir)
    report.check('the store reopens with the same head', reopened !== null && reopened.head === head.hash && reopened.length === head.length,
      `daemon head ${head.length}/${head.hash}, reopened ${JSON.stringify(reopened)}`)
    return report
  } finally {
    agent.destroy()
    if (daemon !== null) await daemon.proc.stop('SIGKILL')
    await dht.destroy()
    await fs.rm(root, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// 2. The CLI with wrong arguments.

export interface CliSizes {
  /** Generated usage errors, each a real process. Default 150. */
  cliCases?: number
  /** Processes at once. Default 4. */
  concurrency?: number
  seed?: number
}

/** Positionals and options of each command, enough to build argument lists that are valid but for one thing. */
const CLI_COMMANDS: Record<string, { positionals: string[], max: number }> = {
  init: { positionals: [], max: 0 },
  join: { positionals: ['ab'.repeat(32)], max: 1 },
  run: { positionals: [], max: 0 },
  bootstrap: { positionals: [], max: 0 },
  status: { positionals: [], max: 0 },
  put: { positionals: ['k', '1'], max: 2 },
  del: { positionals: ['k'], max: 1 },
  get: { positionals: ['k'], max: 1 },
  mint: { positionals: ['5'], max: 1 },
  transfer: { positionals: ['ab'.repeat(32), '5'], max: 2 },
  'open-account': { positionals: ['pool'], max: 1 },
  balance: { positionals: [], max: 1 },
  log: { positionals: [], max: 0 },
  tx: { positionals: ['ab'.repeat(16)], max: 1 },
  history: { positionals: ['k'], max: 1 },
  members: { positionals: [], max: 0 },
  'add-writer': { positionals: ['ab'.repeat(32)], max: 1 },
  'remove-writer': { positionals: ['ab'.repeat(32)], max: 1 },
  demo: { positionals: [], max: 0 }
}
const WRITE_COMMANDS = ['put', 'del', 'mint', 'transfer', 'open-account', 'add-writer', 'remove-writer']

/** One generated command line that must be refused as a usage error (exit 2) before anything is touched. */
function usageCase (r: Random): { kind: string, argv: string[] } {
  const names = Object.keys(CLI_COMMANDS)
  const name = r.pick(names)
  const { positionals, max } = CLI_COMMANDS[name]
  const pick = r.int(13)
  switch (pick) {
    case 0: return { kind: 'unknown flag', argv: [name, ...positionals, r.pick(['--bogus', '--frob', '--limitt', '--jsonn', '--dirr', '-z', '-q', '-Z', '--' + 'x'.repeat(1 + r.int(20)), '--no-json'])] }
    case 1: {
      const needing = names.filter(n => CLI_COMMANDS[n].positionals.length > 0)
      const cmd = r.pick(needing)
      return { kind: 'missing argument', argv: [cmd, ...CLI_COMMANDS[cmd].positionals.slice(0, r.int(CLI_COMMANDS[cmd].positionals.length))] }
    }
    case 2: return { kind: 'extra argument', argv: [name, ...positionals, ...Array.from({ length: max + 1 - positionals.length + r.int(3) }, (_, i) => `extra${i}`)] }
    case 3: {
      const amount = r.pick(['12.5', 'abc', '0', '00', '1e3', '', '9'.repeat(41), '0x10', '+5', '5a', ' 5', '\u0661', '5,000'])
      return { kind: 'bad amount', argv: r.int(2) === 0 ? ['mint', amount] : ['transfer', 'ab'.repeat(32), amount] }
    }
    case 4: return { kind: 'bad key', argv: [r.pick(['join', 'add-writer', 'remove-writer']), r.pick(['zz', 'ab'.repeat(31), 'ab'.repeat(33), 'g'.repeat(64), '', 'ab'.repeat(32) + ' '])] }
    case 5: {
      const bad = r.pick(['many', '0', '1001', '1.5', '', '99999999999999999', '5000'])
      const flag = r.pick(['--limit', '--gte', '--lt'])
      const value = flag === '--limit' ? bad : r.pick(['abc', '1.5', '', '99999999999999999', 'x1'])
      return { kind: 'bad --limit/--gte/--lt', argv: r.int(2) === 0 || flag === '--gte' ? ['log', flag, value] : ['history', 'k', flag === '--gte' ? '--lt' : flag, value] }
    }
    case 6: {
      const cmd = r.pick(WRITE_COMMANDS)
      const flag = r.int(2) === 0 ? ['--wait', r.pick(['forever', '', 'FINAL', 'applied,final', 'none '])] : ['--timeout', r.pick(['abc', '120001', '1.5', '', '9'.repeat(16), '1e3'])]
      return { kind: 'bad --wait/--timeout', argv: [cmd, ...CLI_COMMANDS[cmd].positionals, ...flag] }
    }
    case 7: {
      const cmd = r.pick(['init', 'join', 'run'])
      const flag = r.pick([
        ['--bootstrap', r.pick(['nonsense', '1.2.3.4', 'host:99999', ':5', 'a:b'])],
        ['--dht-port', r.pick(['70000', 'abc', '1.5', '65536'])],
        ['--http', r.pick(['nonsense:abc', ':80', 'x:99999', '', '127.0.0.1:-1'])],
        ['--host', ''],
        ['--reachable', '--no-reachable']
      ])
      return { kind: 'bad network flag', argv: [cmd, ...CLI_COMMANDS[cmd].positionals, ...flag] }
    }
    case 8: return { kind: 'bad bootstrap flag', argv: ['bootstrap', ...r.pick([['--port', r.pick(['0', '99999', 'abc'])], ['--host', r.pick(['0.0.0.0', 'localhost', '::1', '1.2.3', ''])]])] }
    case 9: return { kind: 'option without a value', argv: [name, ...positionals, r.pick(name === 'bootstrap' ? ['--port', '--host'] : ['--dir', '-d'])] }
    case 10: return { kind: 'value for a boolean flag', argv: [name, ...positionals, r.pick(['--json=yes', '--help=no', '--reverse=1'])] }
    case 11: return { kind: 'unknown command', argv: [r.pick(['frobnicate', 'stat', 'PUT', 'transfers', 'run-now', 'x'.repeat(1 + r.int(30)), '--bogus', '-q'])] }
    default: return { kind: 'bad transaction id', argv: ['tx', r.pick(['zz', 'ab'.repeat(15), 'ab'.repeat(17), 'g'.repeat(32), '', 'ab'.repeat(32)])] }
  }
}

const USAGE_HINT = 'Run `autoledger --help` (or `autoledger <command> --help`) for usage.'

/** Generated bad argument lists for every command, as real processes: exit 2, two lines on stderr, nothing on stdout, nothing touched. */
export async function cliBadInput (sizes: CliSizes = {}): Promise<Report> {
  const report = new Report('bad input: CLI arguments')
  const seed = sizes.seed ?? seedFromEnv()
  const r = new Random(seed)
  report.figures.seed = seed
  const root = await tempDir()
  const dht = await loopbackDht()
  let daemon: DaemonProc | null = null
  try {
    const dir = path.join(root, 'node')
    const untouched = path.join(root, 'never-created')
    const empty = path.join(root, 'empty')
    await fs.mkdir(empty)
    const { writerKey } = await initLedger(dir, dht.bootstrap)
    daemon = await runDaemon(dir)

    const failures: string[] = []
    const fail = (what: string): void => { if (failures.length < 20) failures.push(what) }
    const usage = Array.from({ length: sizes.cliCases ?? 150 }, () => usageCase(r)).map(c => ({ ...c, argv: [...c.argv, '--dir', untouched, ...(r.int(2) === 0 ? ['--json'] : [])] }))
    // Operational errors (exit 1) through the daemon, and on directories without a ledger.
    const miss = (): string => Array.from(r.bytes(16), b => b.toString(16).padStart(2, '0')).join('')
    const operational: Array<{ kind: string, argv: string[], code: string, rejected?: boolean }> = [
      { kind: 'invalid key', argv: ['put', '', 'v'], code: 'INVALID_KEY' },
      { kind: 'invalid value', argv: ['put', 'k', 'x'.repeat(17_000)], code: 'INVALID_VALUE' },
      { kind: 'invalid account', argv: ['mint', '5', '--to', 'UPPER'], code: 'INVALID_ACCOUNT' },
      { kind: 'invalid account', argv: ['open-account', 'no spaces'], code: 'INVALID_ACCOUNT' },
      { kind: 'invalid account', argv: ['transfer', 'UPPER', '5'], code: 'INVALID_ACCOUNT' },
      { kind: 'invalid memo', argv: ['transfer', writerKey, '5', '--memo', 'm'.repeat(300)], code: 'INVALID_MEMO' },
      { kind: 'not found', argv: ['get', `missing-${miss()}`], code: 'NOT_FOUND' },
      { kind: 'not found', argv: ['tx', miss()], code: 'NOT_FOUND' },
      { kind: 'rejected', argv: ['transfer', `nobody-${r.int(1e6)}`, '5'], code: 'REJECTED', rejected: true },
      { kind: 'rejected', argv: ['remove-writer', miss() + miss()], code: 'REJECTED', rejected: true },
      { kind: 'rejected', argv: ['add-writer', writerKey], code: 'REJECTED', rejected: true }
    ].map(c => ({ ...c, argv: [...c.argv, '--dir', dir, ...(r.int(2) === 0 ? ['--json'] : [])] }))
    for (const cmd of ['status', 'log', 'members', 'balance']) operational.push({ kind: 'not initialized', argv: [cmd, '--dir', empty, ...(r.int(2) === 0 ? ['--json'] : [])], code: 'NOT_INITIALIZED' })
    for (const cmd of [['put', 'k', '1'], ['get', 'k'], ['mint', '5']]) operational.push({ kind: 'not initialized', argv: [...cmd, '--dir', path.join(root, 'nothing-here', 'x')], code: 'NOT_INITIALIZED' })

    const started = Date.now()
    await pool(usage, sizes.concurrency ?? 4, async c => {
      report.count(`cli usage: ${c.kind}`)
      const res = await cli(c.argv, { timeout: 20_000 })
      const lines = res.stderr.split('\n').filter(l => l.length > 0)
      const what = `autoledger ${c.argv.map(a => JSON.stringify(a.slice(0, 40))).join(' ')}`
      if (res.code !== 2) fail(`${what}: exit ${res.code}, expected 2: ${res.stderr.slice(0, 200)}`)
      else if (lines.length !== 2 || !lines[0].startsWith('autoledger: ') || lines[1] !== USAGE_HINT) fail(`${what}: stderr is not the problem then the --help pointer: ${JSON.stringify(res.stderr.slice(0, 300))}`)
      else if (res.stdout !== '') fail(`${what}: printed on stdout: ${res.stdout.slice(0, 100)}`)
    })
    await pool(operational, sizes.concurrency ?? 4, async c => {
      report.count(`cli operational: ${c.kind}`)
      const res = await cli(c.argv, { timeout: 30_000 })
      const lines = res.stderr.split('\n').filter(l => l.length > 0)
      const what = `autoledger ${c.argv.map(a => JSON.stringify(a.slice(0, 40))).join(' ')}`
      const m = /^autoledger: ([A-Z_]+): \S/.exec(lines[0] ?? '')
      if (res.code !== 1) fail(`${what}: exit ${res.code}, expected 1: ${res.stderr.slice(0, 200)}`)
      else if (lines.length !== 1 || m === null) fail(`${what}: stderr is not one line naming the code: ${JSON.stringify(res.stderr.slice(0, 300))}`)
      else if (!DOCUMENTED_CODES.has(m[1]) || m[1] !== c.code) fail(`${what}: code ${m[1]}, expected ${c.code}`)
      else if (c.argv.includes('--json')) {
        const out = res.stdout.split('\n').filter(l => l.length > 0)
        const ok = c.rejected === true
          ? out.length === 1 && (JSON.parse(out[0]) as { entry?: { outcome?: string } }).entry?.outcome === 'rejected'
          : out.length === 0
        if (!ok) fail(`${what} --json: stdout ${JSON.stringify(res.stdout.slice(0, 200))}`)
      }
    })
    report.figures.cliMs = Date.now() - started
    report.check('every bad command line exits 2 (usage) or 1 (operational) with the documented stderr and stdout', failures.length === 0, failures.join('\n'))
    report.check('no usage error touched the file system', !await exists(untouched), `${untouched} was created`)
    report.check('no command created a ledger where there was none', (await fs.readdir(empty)).length === 0 && !await exists(path.join(root, 'nothing-here')), 'a directory without a ledger was written to')

    const head = await fetch(daemon.url + '/v1/head').then(async res => await res.json() as { length: number, hash: string })
    report.check('the daemon served every command and is still running', daemon.proc.running && !daemon.proc.stderrLines.some(l => l.includes('"level":"error"')), daemon.proc.stderrLines.slice(-5).join('\n'))
    const code = await daemon.proc.stop()
    const reopened = await offlineStatus(dir)
    report.check('after SIGTERM the store reopens with the same head', code === 0 && reopened?.head === head.hash, `exit ${code}, head ${head.hash}, reopened ${JSON.stringify(reopened)}`)
    return report
  } finally {
    if (daemon !== null) await daemon.proc.stop('SIGKILL')
    await dht.destroy()
    await fs.rm(root, { recursive: true, force: true })
  }
}

async function exists (p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false)
}

// ---------------------------------------------------------------------------------------------
// 3. Bad files in a data directory.

/** Mount a tmpfs of `mib` MiB on `dir` (root only); false when this environment does not allow it. */
export async function mountTmpfs (dir: string, mib: number, extra = ''): Promise<boolean> {
  const r = await run('mount', ['-t', 'tmpfs', '-o', `size=${mib}m${extra === '' ? '' : ',' + extra}`, 'tmpfs', dir])
  return r === 0
}

export async function remount (dir: string, options: string): Promise<boolean> {
  return await run('mount', ['-o', `remount,${options}`, dir]) === 0
}

export async function umount (dir: string): Promise<void> {
  if (await run('umount', [dir]) !== 0) await run('umount', ['-l', dir])
}

async function run (cmd: string, args: string[]): Promise<number | null> {
  const { spawn } = await import('child_process')
  return new Promise(resolve => {
    const child = spawn(cmd, args, { stdio: 'ignore' })
    child.on('error', () => resolve(null))
    child.on('exit', code => resolve(code))
  })
}

/** The pid of a process that has exited. */
async function deadPid (): Promise<number> {
  const { spawn } = await import('child_process')
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await new Promise(resolve => child.once('exit', resolve))
  return child.pid ?? 999_999
}

interface FileCase {
  kind: string
  /** Break the copy of a healthy data directory. */
  setup (dir: string): Promise<void>
  argv: string[]
  /** Expected exit status and, on 1, the code. */
  exit: 0 | 1
  code?: string
  /** The store must be byte-for-byte unchanged afterwards. */
  untouched?: boolean
  /** The command opens the store: run it on the original directory (hypercore refuses to open a copy). */
  opens?: boolean
}

/** Corrupt, missing and misplaced files: stable codes, exit status 1, and the store not modified. */
export async function fileBadInput (): Promise<Report> {
  const report = new Report('bad input: files')
  const root = await tempDir()
  const dht = await loopbackDht()
  const daemons: DaemonProc[] = []
  try {
    const base = path.join(root, 'base')
    const { key } = await initLedger(base, dht.bootstrap)
    const baseHead = (await offlineStatus(base))?.head
    const baseStore = await treeDigest(path.join(base, 'store'))
    const config = await fs.readFile(path.join(base, 'config.json'), 'utf8')
    const withConfig = (patch: Record<string, unknown> | string) => async (dir: string) => {
      await fs.writeFile(path.join(dir, 'config.json'), typeof patch === 'string' ? patch : JSON.stringify({ ...JSON.parse(config), ...patch }))
    }
    const dead = await deadPid()
    const cases: FileCase[] = []
    const badConfigs: Array<[string, Record<string, unknown> | string]> = [
      ['garbage config', 'garbage{{{\u0000'], ['truncated config', config.slice(0, Math.floor(config.length / 2))], ['empty config', ''],
      ['config is an array', '[]'], ['config is null', 'null'], ['config is a string', '"config"'],
      ['config: key is a number', { key: 5 }], ['config: key is not hex', { key: 'zz'.repeat(32) }], ['config: unknown version', { version: 2 }],
      ['config: bootstrap is a number', { bootstrap: 5 }], ['config: bootstrap is nonsense', { bootstrap: 'nonsense' }],
      ['config: dhtPort is a string', { dhtPort: 'x' }], ['config: dhtPort out of range', { dhtPort: 70000 }], ['config: dhtPort is fractional', { dhtPort: 1.5 }],
      ['config: http is nonsense', { http: 'nonsense:abc' }], ['config: reachable is a string', { reachable: 'yes' }], ['config: host is empty', { host: ' ' }],
      ['config: blocked is a string', { blocked: 'ab'.repeat(32) }], ['config: blocked holds a short key', { blocked: ['abc'] }]
    ]
    // Each broken file meets one of the commands that read it (a command per process is the cost here).
    const commands = [['status', '--json'], ['run', '--json'], ['put', 'k', '1', '--json'], ['log']]
    badConfigs.forEach(([kind, patch], i) => cases.push({ kind, setup: withConfig(patch), argv: commands[i % commands.length], exit: 1, code: 'BAD_CONFIG', untouched: true }))
    for (const argv of [['status'], ['run']]) {
      cases.push({ kind: 'missing config', setup: dir => fs.rm(path.join(dir, 'config.json')), argv, exit: 1, code: 'NOT_INITIALIZED', untouched: true })
    }
    cases.push({ kind: 'config is a directory', setup: async dir => { await fs.rm(path.join(dir, 'config.json')); await fs.mkdir(path.join(dir, 'config.json')) }, argv: ['put', 'k', '1'], exit: 1, code: 'BAD_CONFIG', untouched: true })
    const lockFile = (text: string, old: boolean) => async (dir: string) => {
      await fs.writeFile(path.join(dir, 'lock'), text)
      if (old) await fs.utimes(path.join(dir, 'lock'), new Date(0), new Date(0))
    }
    const announce = (text: string) => async (dir: string) => fs.writeFile(path.join(dir, 'daemon.json'), text)
    cases.push(
      { kind: 'daemon.json of a dead daemon', setup: announce(JSON.stringify({ pid: dead, url: 'http://127.0.0.1:1', key, startedAt: '' })), argv: ['status', '--json'], exit: 0, opens: true },
      { kind: 'daemon.json naming a live process that is not the daemon', setup: announce(JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:1', key, startedAt: '' })), argv: ['status', '--json'], exit: 0, opens: true },
      { kind: 'garbage daemon.json', setup: announce('{"pid":'), argv: ['status', '--json'], exit: 0, opens: true },
      { kind: 'stale lock (dead pid)', setup: lockFile(`${dead}\n`, false), argv: ['status', '--json'], exit: 0, opens: true },
      { kind: 'stale lock (garbage, left over)', setup: lockFile('garbage', true), argv: ['status', '--json'], exit: 0, opens: true },
      { kind: 'stale lock (empty, left over)', setup: lockFile('', true), argv: ['status', '--json'], exit: 0, opens: true },
      { kind: 'lock held by a live process', setup: lockFile(`${process.pid}\n`, false), argv: ['status', '--json'], exit: 1, code: 'LOCKED', untouched: true },
      { kind: 'a copied store', setup: async () => {}, argv: ['status', '--json'], exit: 1, code: 'BAD_DIR', untouched: true }
    )
    const file = path.join(root, 'a-file')
    await fs.writeFile(file, 'not a directory\n')
    const fileCases: Array<[string, string[]]> = [['data dir is a regular file', ['--dir', file]], ['data dir is under a regular file', ['--dir', path.join(file, 'sub')]]]

    const failures: string[] = []
    const fail = (what: string): void => { if (failures.length < 20) failures.push(what) }
    const expectExit = (what: string, res: { code: number | null, stderr: string, stdout: string }, exit: 0 | 1, code?: string): boolean => {
      const lines = res.stderr.split('\n').filter(l => l.length > 0 && !l.startsWith('{'))
      if (res.code !== exit) { fail(`${what}: exit ${res.code}, expected ${exit}: ${res.stderr.slice(0, 300)}`); return false }
      if (exit === 1) {
        const m = /^autoledger: ([A-Z_]+): \S/.exec(lines[0] ?? '')
        if (lines.length !== 1 || m === null) { fail(`${what}: stderr is not one line naming the code: ${JSON.stringify(res.stderr.slice(0, 300))}`); return false }
        if (m[1] !== code) { fail(`${what}: code ${m[1]}, expected ${code}: ${lines[0]}`); return false }
        if (res.stdout !== '') { fail(`${what}: printed on stdout: ${res.stdout.slice(0, 100)}`); return false }
      }
      return true
    }

    let n = 0
    const runCase = async (c: FileCase): Promise<void> => {
      report.count(`file: ${c.kind}`)
      const dir = c.opens === true ? base : path.join(root, `case-${n++}`)
      if (c.opens !== true) await fs.cp(base, dir, { recursive: true })
      await c.setup(dir)
      const res = await cli([...c.argv, '--dir', dir], { timeout: 30_000 })
      const what = `${c.kind}: autoledger ${c.argv.join(' ')}`
      if (!expectExit(what, res, c.exit, c.code)) return
      if (c.untouched === true && await treeDigest(path.join(dir, 'store')) !== baseStore) fail(`${what}: the store was modified`)
      if (c.exit === 0 && c.argv[0] === 'status' && (res.lines[0] as { head?: string }).head !== baseHead) fail(`${what}: head ${(res.lines[0] as { head?: string }).head}, expected ${baseHead}`)
      if (c.opens === true && await exists(path.join(dir, 'lock'))) fail(`${what}: the stale lock was left behind`)
      if (c.opens === true) await fs.rm(path.join(dir, 'daemon.json'), { force: true })
    }
    await pool(cases.filter(c => c.opens !== true), 4, runCase)
    for (const c of cases.filter(c => c.opens === true)) await runCase(c)
    for (const [i, [kind, dirArgs]] of fileCases.entries()) {
      for (const argv of i === 0 ? [['status'], ['init'], ['run']] : [['put', 'k', '1'], ['join', 'ab'.repeat(32)]]) {
        report.count(`file: ${kind}`)
        const res = await cli([...argv, ...dirArgs], { timeout: 30_000 })
        expectExit(`${kind}: autoledger ${argv.join(' ')}`, res, 1, 'BAD_DIR')
      }
      if (await fs.readFile(file, 'utf8') !== 'not a directory\n') fail(`${kind}: the file was changed`)
    }

    // Token files: a daemon replaces one without a usable token; a token broken under a running daemon makes writes UNAUTHORIZED only.
    const tokenDir = base
    await fs.writeFile(path.join(tokenDir, 'token'), 'not a token \u0000\n')
    report.count('file: corrupt token file')
    const daemon = await runDaemon(tokenDir)
    daemons.push(daemon)
    if (!daemon.proc.stderrLines.some(l => l.includes('"event":"token-replaced"'))) fail('corrupt token file: the daemon did not log token-replaced')
    const put = await cli(['put', 'k', '1', '--json', '--dir', tokenDir])
    expectExit('corrupt token file replaced: put through the daemon', put, 0)
    for (const broken of ['', 'short', 'spaces in the token file', '\u00e9'.repeat(40)]) {
      report.count('file: token broken under a running daemon')
      await fs.writeFile(path.join(tokenDir, 'token'), broken)
      expectExit(`token ${JSON.stringify(broken)} under a running daemon: put`, await cli(['put', 'k', '2', '--dir', tokenDir]), 1, 'UNAUTHORIZED')
      expectExit(`token ${JSON.stringify(broken)} under a running daemon: status`, await cli(['status', '--json', '--dir', tokenDir]), 0)
    }
    report.check('the daemon with a broken token file kept running', daemon.proc.running, daemon.proc.stderrLines.slice(-3).join('\n'))
    await daemon.proc.stop()
    report.count('file: token file is a directory')
    await fs.rm(path.join(base, 'token'), { force: true })
    await fs.mkdir(path.join(base, 'token'))
    const refused = await cli(['run', '--json', '--dir', base], { timeout: 30_000 })
    expectExit('token file is a directory: run', refused, 1, 'BAD_CONFIG')
    await fs.rmdir(path.join(base, 'token'))

    // A read-only data directory (chmod does not stop root: a tmpfs remounted read-only does).
    const ro = path.join(root, 'ro')
    await fs.mkdir(ro)
    if (await mountTmpfs(ro, 16)) {
      try {
        const dir = path.join(ro, 'node')
        await initLedger(dir, dht.bootstrap)
        const roHead = (await offlineStatus(dir))?.head
        const before = await treeDigest(path.join(dir, 'store'))
        if (!await remount(ro, 'ro')) throw new Error('remount read-only failed')
        for (const argv of [['status', '--json'], ['put', 'k', '1'], ['run']]) {
          report.count('file: read-only data dir')
          expectExit(`read-only data dir: autoledger ${argv.join(' ')}`, await cli([...argv, '--dir', dir], { timeout: 30_000 }), 1, 'BAD_DIR')
        }
        await remount(ro, 'rw')
        if (await treeDigest(path.join(dir, 'store')) !== before) fail('read-only data dir: the store changed')
        const again = await offlineStatus(dir)
        if (again === null || again.head !== roHead) fail(`read-only data dir: after remounting read-write the head is ${again?.head}, expected ${roHead}`)
      } finally {
        await umount(ro)
      }
    } else {
      report.figures.readOnlyDir = 'skipped: cannot mount a tmpfs here'
    }

    report.check('every bad file gives the documented exit status and one line naming a stable code, the store untouched', failures.length === 0, failures.join('\n'))
    return report
  } finally {
    for (const d of daemons) await d.proc.stop('SIGKILL')
    await dht.destroy()
    await fs.rm(root, { recursive: true, force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// 4. A full disk.

export interface DiskSizes {
  /** Size of the small file system (MiB). Default 24. */
  diskMiB?: number
  /** The daemon's reserve (--min-free, MiB). Default 6. */
  minFreeMiB?: number
}

interface Acked { ids: string[], refused: { status: number, code: string | null, text: string } | null }

/** POST batches of large puts until a write is refused (or `max` batches); the ids of every acknowledged transaction. */
async function fillDisk (url: string, token: string, max: number, tag: string): Promise<Acked> {
  const ids: string[] = []
  const value = 'x'.repeat(8000)
  for (let i = 0; i < max; i++) {
    const body = JSON.stringify(Array.from({ length: 8 }, (_, j) => ({ type: 'put', key: `${tag}/${i}/${j}`, value })))
    let res: Response
    try {
      res = await fetch(`${url}/v1/transactions`, { method: 'POST', body, headers: { Authorization: `Bearer ${token}` } })
    } catch (err) {
      return { ids, refused: { status: 0, code: null, text: (err as Error).message } }
    }
    const text = await res.text()
    if (res.status !== 200) {
      let code: string | null = null
      try { code = (JSON.parse(text) as { code?: string }).code ?? null } catch {}
      return { ids, refused: { status: res.status, code, text } }
    }
    for (const t of (JSON.parse(text) as { transactions: Array<{ id: string }> }).transactions) ids.push(t.id)
  }
  return { ids, refused: null }
}

async function missing (url: string, ids: string[]): Promise<string[]> {
  const gone: string[] = []
  await pool(ids, 8, async id => {
    const res = await fetch(`${url}/v1/transactions/${id}`)
    if (res.status !== 200) gone.push(id)
    await res.arrayBuffer()
  })
  return gone
}

/**
 * A data directory on a small tmpfs, written until the disk fills. With the reserve (--min-free), writes
 * are refused with DISK_FULL, reads go on, and writes resume once there is room. Without it, RocksDB's
 * own write fails: the daemon stops cleanly with DISK_FULL in its log. Either way no acknowledged
 * write is lost. Needs root (mount); skipped otherwise.
 */
export async function diskFull (sizes: DiskSizes = {}): Promise<Report> {
  const report = new Report('bad input: full disk')
  const root = await tempDir()
  const mnt = path.join(root, 'mnt')
  await fs.mkdir(mnt)
  const diskMiB = sizes.diskMiB ?? 24
  if (!await mountTmpfs(mnt, diskMiB)) {
    report.figures.skipped = 'cannot mount a tmpfs here (needs root)'
    await fs.rm(root, { recursive: true, force: true })
    return report
  }
  const dht = await loopbackDht()
  let daemon: DaemonProc | null = null
  try {
    const dir = path.join(mnt, 'node')
    await initLedger(dir, dht.bootstrap)

    // With the reserve: DISK_FULL, reads go on, writes resume when there is room.
    daemon = await runDaemon(dir, ['--min-free', String(sizes.minFreeMiB ?? 6)])
    const first = await fillDisk(daemon.url, daemon.token, 2000, 'a')
    report.count('disk: acknowledged writes', first.ids.length)
    report.figures.refusedAfterMiB = Math.round((await fs.statfs(mnt).then(s => (s.blocks - s.bavail) * s.bsize)) / 1024 / 1024)
    report.check('a write on a full disk is refused with 507 DISK_FULL', first.refused?.status === 507 && first.refused.code === 'DISK_FULL' && checkErrorReply(507, first.refused.text, undefined) === null,
      JSON.stringify(first.refused))
    const again = await fillDisk(daemon.url, daemon.token, 3, 'again')
    report.count('disk: refused writes', 1 + (again.refused === null ? 0 : 1))
    report.check('and so is the next one', again.ids.length === 0 && again.refused?.code === 'DISK_FULL', JSON.stringify(again.refused))
    const head = await fetch(`${daemon.url}/v1/head`).then(async r => ({ status: r.status, json: await r.json() as { length: number, hash: string } }))
    const status = await fetch(`${daemon.url}/v1/status`)
    await status.arrayBuffer()
    report.check('the daemon stays up and serves reads', daemon.proc.running && head.status === 200 && status.status === 200, `running ${daemon.proc.running}, head ${head.status}, status ${status.status}`)
    const gone = await missing(daemon.url, first.ids)
    report.check('every acknowledged write is readable', gone.length === 0, `${gone.length} of ${first.ids.length} missing`)
    await remount(mnt, `size=${diskMiB * 3}m`)
    const resumed = await fillDisk(daemon.url, daemon.token, 1, 'resumed')
    report.check('with room again, writes resume without a restart', resumed.ids.length === 8, JSON.stringify(resumed.refused))
    const code = await daemon.proc.stop()
    report.check('SIGTERM on the full-disk daemon exits 0', code === 0, `exit ${code}`)

    // Without the reserve: RocksDB itself runs out of space.
    const used = await fs.statfs(mnt).then(s => (s.blocks - s.bavail) * s.bsize)
    await remount(mnt, `size=${Math.ceil(used * 2 / 1024 / 1024) + 8}m`) // reopening writes the log out once more
    daemon = await runDaemon(dir, ['--min-free', '0'])
    const raw = await fillDisk(daemon.url, daemon.token, 2000, 'b')
    report.count('disk: acknowledged writes without the reserve', raw.ids.length)
    const exit = await Promise.race([daemon.proc.exited, new Promise<string>(resolve => setTimeout(() => resolve('still running'), 20_000))])
    const logged = daemon.proc.stderrLines.find(l => l.includes('"event":"node-error"'))
    const last = daemon.proc.stderrLines.at(-1) ?? ''
    report.figures.withoutReserve = `refused ${JSON.stringify(raw.refused).slice(0, 200)}; exit ${exit}; ${logged?.slice(0, 300) ?? 'no node-error'}`
    report.check('without the reserve, a write failing in RocksDB stops the daemon cleanly: DISK_FULL logged, exit 1 with one line naming DISK_FULL',
      exit === 1 && logged !== undefined && logged.includes('"code":"DISK_FULL"') && /^autoledger: DISK_FULL: \S/.test(last),
      `exit ${exit}; ${logged ?? ''}; last line: ${last}`)
    await daemon.proc.stop('SIGKILL')

    await remount(mnt, `size=${diskMiB * 4}m`)
    daemon = await runDaemon(dir, ['--min-free', String(sizes.minFreeMiB ?? 6)])
    const lost = await missing(daemon.url, [...first.ids, ...resumed.ids, ...raw.ids])
    report.check('after remounting bigger the store reopens and every acknowledged write is there', lost.length === 0, `${lost.length} missing`)
    const after = await fillDisk(daemon.url, daemon.token, 1, 'after')
    report.check('and takes writes again', after.ids.length === 8, JSON.stringify(after.refused))
    await daemon.proc.stop()
    daemon = null
    return report
  } finally {
    if (daemon !== null) await daemon.proc.stop('SIGKILL')
    await dht.destroy()
    await umount(mnt)
    await fs.rm(root, { recursive: true, force: true })
  }
}
