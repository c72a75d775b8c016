// The generated bad requests of the HTTP scenario: each case with what the reply must be.
import { REJECT_REASONS } from '../../../lib/index.js'
import { MAX_KEY_BYTES, MAX_MEMO_BYTES } from '../../../lib/ledger/limits.js'
import { MAX_BODY_BYTES, MAX_PAGE_LIMIT } from '../../../lib/http/request.js'
import { ROUTES } from '../../../lib/http/routes.js'
import { MAX_TXS_PER_SUBMIT, MAX_SUBMIT_WAIT_MS } from '../../../lib/api/operations.js'
import type { Random } from '../../helpers/random.js'

export interface HttpCase {
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

const OTHER_KEY = 'cd'.repeat(32)
const BAD_RECORD_KEY: unknown[] = [
  '',
  'a\u0000b',
  'x'.repeat(MAX_KEY_BYTES + 1),
  '\u00e9'.repeat(MAX_KEY_BYTES / 2 + 1),
  5,
  true,
  null,
  [],
  {}
]
const BAD_ACCOUNT: unknown[] = [
  '',
  'UPPER',
  '-x',
  '.x',
  '_x',
  'a b',
  'x'.repeat(65),
  '\u00fcn\u00efcode',
  'a/b',
  'AB'.repeat(32),
  'a\u0000',
  5,
  true,
  null,
  [],
  {}
]
const BAD_AMOUNT: unknown[] = [
  0,
  -1,
  1.5,
  2 ** 53,
  -0.5,
  '0',
  '00',
  '-5',
  '1.5',
  '1e3',
  ' 5',
  '5 ',
  '',
  'abc',
  '0x10',
  '9'.repeat(41),
  '340282366920938463463374607431768211456',
  true,
  false,
  null,
  [],
  [1],
  {},
  { n: 1 }
]
const BAD_WRITER_KEY: unknown[] = [
  '',
  'zz',
  'ab'.repeat(31),
  'ab'.repeat(33),
  'g'.repeat(64),
  ' ' + 'a'.repeat(63),
  'ab'.repeat(31) + 'a\u0000',
  5,
  true,
  null,
  [],
  {},
  [1, 2]
]
const BAD_MEMO: unknown[] = [
  'x'.repeat(MAX_MEMO_BYTES + 1),
  '\u00e9'.repeat(MAX_MEMO_BYTES / 2 + 1),
  5,
  true,
  null,
  [],
  {}
]
const BAD_ROLE: unknown[] = ['root', 'Admin', 'WRITER', '', 5, true, [], {}]
const BAD_BOOL: unknown[] = ['yes', 'true', 1, 0, [], {}, 'false']
const BAD_FORMAT: unknown[] = [1.5, '2', null, true, [], {}, 2 ** 53]
const BAD_ID: unknown[] = [
  '',
  'xyz',
  'a'.repeat(31),
  'a'.repeat(33),
  'g'.repeat(32),
  5,
  true,
  null,
  [],
  {}
]
const BAD_TIMESTAMP: unknown[] = [-1, 1.5, '123', 'now', true, [], {}, 2 ** 60]
const BAD_TYPE: unknown[] = ['steal', '', 'PUT', 'put ', 'transfer\u0000', 5, null, true, [], {}]

function deepArray(depth: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = [v]
  return v
}

/** Valid transactions of every type (for the node's own writer key `me`), and for each field a list of values that make it invalid. */
function txShapes(me: string): Array<{
  type: string
  tx: Record<string, unknown>
  bad: Record<string, unknown[]>
  required: string[]
}> {
  return [
    {
      type: 'put',
      tx: { type: 'put', key: 'k', value: 1 },
      bad: { key: BAD_RECORD_KEY, value: ['x'.repeat(17_000), deepArray(70)] },
      required: ['key', 'value']
    },
    { type: 'del', tx: { type: 'del', key: 'k' }, bad: { key: BAD_RECORD_KEY }, required: ['key'] },
    {
      type: 'open-account',
      tx: { type: 'open-account', account: 'acct' },
      bad: { account: BAD_ACCOUNT },
      required: ['account']
    },
    {
      type: 'mint',
      tx: { type: 'mint', account: me, amount: '5' },
      bad: { account: BAD_ACCOUNT, amount: BAD_AMOUNT },
      required: ['account', 'amount']
    },
    {
      type: 'transfer',
      tx: { type: 'transfer', from: me, to: me, amount: '1', memo: 'm' },
      bad: { from: BAD_ACCOUNT, to: BAD_ACCOUNT, amount: BAD_AMOUNT, memo: BAD_MEMO },
      required: ['from', 'to', 'amount']
    },
    {
      type: 'add-writer',
      tx: { type: 'add-writer', key: OTHER_KEY, role: 'writer', indexer: false },
      bad: { key: BAD_WRITER_KEY, role: BAD_ROLE, indexer: BAD_BOOL },
      required: ['key']
    },
    {
      type: 'remove-writer',
      tx: { type: 'remove-writer', key: OTHER_KEY },
      bad: { key: BAD_WRITER_KEY },
      required: ['key']
    },
    {
      type: 'add-owner',
      tx: { type: 'add-owner', account: 'acct', key: OTHER_KEY },
      bad: { account: BAD_ACCOUNT, key: BAD_WRITER_KEY },
      required: ['account', 'key']
    },
    {
      type: 'set-version',
      tx: { type: 'set-version', format: 1 },
      bad: { format: BAD_FORMAT },
      required: ['format']
    }
  ]
}

/** A transaction that could never be accepted: one field of a valid one made wrong, or left out. */
function badTx(r: Random, me: string): { tx: Record<string, unknown>; what: string } {
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

const PREFIXES = [
  '/v1/entries/',
  '/v1/transactions/',
  '/v1/records/',
  '/v1/accounts/',
  '/v1/',
  '/',
  '/v1/status/',
  '/v2/',
  '/v1/members/'
]
const JUNK = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%FF',
  '%00',
  '%0A',
  '%2F',
  '..',
  '.',
  '-1',
  '1.5',
  '99999999999999999',
  'abc',
  'x'.repeat(300),
  '%F0%9F%92%A9',
  '~',
  ';',
  ',',
  '!',
  '*',
  "'",
  '(',
  ')'
]

function junkSegment(r: Random): string {
  let s = ''
  const n = 1 + r.int(4)
  for (let i = 0; i < n; i++) s += r.int(3) === 0 ? String(r.int(100000)) : r.pick(JUNK)
  return s
}

/** The methods ROUTES serves on a concrete path. */
function allowedMethods(p: string): string[] {
  const matches = (pattern: string): boolean =>
    new RegExp('^' + pattern.replace(/:[a-z]+/g, '[^/]+') + '$').test(p)
  return ROUTES.filter((route) => matches(route.path)).map((route) => route.method)
}

/** Generate `n` bad requests (and a good write every so often) from the seed. */
export function httpCases(
  r: Random,
  n: number,
  me: string,
  token: string,
  oversized: Buffer
): HttpCase[] {
  const cases: HttpCase[] = []
  const auth = { Authorization: `Bearer ${token}` }
  const validTx = (): string =>
    JSON.stringify({ type: 'put', key: `never/${r.int(1e9)}`, value: r.int(1000) })
  const body400 = (
    kind: string,
    body: string | Buffer,
    codes?: string[],
    p = '/v1/transactions'
  ): HttpCase => ({
    kind,
    method: 'POST',
    path: p,
    headers: auth,
    body,
    expect: [400],
    ...(codes === undefined ? {} : { codes })
  })
  const generators: Array<[number, () => HttpCase]> = [
    [
      10,
      () => {
        const text = validTx()
        const pick = r.int(8)
        const body =
          pick === 0
            ? text.slice(0, r.int(text.length))
            : pick === 1
              ? Buffer.from(r.bytes(1 + r.int(200)))
              : pick === 2
                ? text + r.pick(['x', '}', ',', ' ,{}', '\u0000'])
                : pick === 3
                  ? '\uFEFF' + text
                  : pick === 4
                    ? text.replace(/"/g, "'")
                    : pick === 5
                      ? r.pick([
                          '{',
                          '[',
                          '{"type":',
                          'NaN',
                          'undefined',
                          '{type:"put"}',
                          '/* */{}',
                          '',
                          '   ',
                          '\n',
                          '[1,]',
                          '{"a":1,}'
                        ])
                      : pick === 6
                        ? text.replace(':', '::')
                        : Array.from(r.bytes(1 + r.int(60)), (b) =>
                            String.fromCharCode(32 + (b % 95))
                          ).join('')
        return body400('malformed JSON', body, ['BAD_JSON', 'INVALID_ARGUMENT'])
      }
    ],
    [
      30,
      () => {
        const { tx, what } = badTx(r, me)
        return body400(`wrong field: ${what.split('.')[0]}`, JSON.stringify(tx), [
          'INVALID_ARGUMENT',
          ...REJECT_REASONS
        ])
      }
    ],
    [
      6,
      () => {
        // A batch of good transactions with one bad one: nothing of it may be written.
        const list: unknown[] = Array.from({ length: 1 + r.int(5) }, () => JSON.parse(validTx()))
        list.splice(r.int(list.length + 1), 0, badTx(r, me).tx)
        return body400('batch with one bad transaction', JSON.stringify(list), [
          'INVALID_ARGUMENT',
          ...REJECT_REASONS
        ])
      }
    ],
    [
      4,
      () => {
        const pick = r.int(4)
        const body =
          pick === 0
            ? JSON.stringify({ key: r.pick(BAD_WRITER_KEY) })
            : pick === 1
              ? JSON.stringify({ key: OTHER_KEY, admin: r.pick([...BAD_BOOL, null]) })
              : pick === 2
                ? JSON.stringify({ key: OTHER_KEY, indexer: r.pick([...BAD_BOOL, null]) })
                : r.pick(['[]', '5', 'null', '"x"', '{}', '[{"key":"' + OTHER_KEY + '"}]', 'true'])
        return body400('members body', body, ['INVALID_ARGUMENT'], '/v1/members')
      }
    ],
    [
      2,
      () => ({
        kind: 'members delete bad key',
        method: 'DELETE',
        path:
          '/v1/members/' +
          encodeURIComponent(String(r.pick(BAD_WRITER_KEY.filter((k) => k !== '')))),
        headers: auth,
        expect: [400],
        codes: ['INVALID_ARGUMENT']
      })
    ],
    [
      2,
      () => {
        const size = MAX_BODY_BYTES + 1 + r.int(200_000)
        return {
          kind: 'oversized body',
          method: 'POST',
          path: r.pick(['/v1/transactions', '/v1/members']),
          headers: auth,
          body: oversized.subarray(0, size),
          chunked: r.int(2) === 0,
          expect: [413],
          codes: ['PAYLOAD_TOO_LARGE']
        }
      }
    ],
    [
      3,
      () => {
        const depth = 1000 + r.int(400_000)
        const pick = r.int(4)
        const body =
          pick === 0
            ? '['.repeat(depth) + ']'.repeat(depth)
            : pick === 1
              ? '{"type":"put","key":"k","value":' + '['.repeat(depth) + ']'.repeat(depth) + '}'
              : pick === 2
                ? JSON.stringify(
                    Array.from({ length: MAX_TXS_PER_SUBMIT + 1 }, () => ({
                      type: 'del',
                      key: 'k'
                    }))
                  )
                : JSON.stringify({
                    type: 'put',
                    key: 'k',
                    value: Object.fromEntries(
                      Array.from({ length: 3000 + r.int(20_000) }, (_, i) => [`k${i}`, i])
                    )
                  })
        return body400('huge or deep JSON', body, ['BAD_JSON', 'INVALID_ARGUMENT', 'INVALID_VALUE'])
      }
    ],
    [
      12,
      () => {
        const p =
          r.pick(PREFIXES) +
          junkSegment(r) +
          (r.int(4) === 0 ? '/' + r.pick(['history', 'x', '']) : '')
        return { kind: 'bad or unknown route', method: 'GET', path: p, read: true }
      }
    ],
    [
      2,
      () => ({
        kind: 'very long URL',
        method: 'GET',
        path: '/v1/records/' + 'x'.repeat(17_000 + r.int(20_000)),
        expect: [431],
        codes: ['HEADERS_TOO_LARGE']
      })
    ],
    [
      8,
      () => {
        const p = r.pick([
          '/v1/status',
          '/v1/head',
          '/v1/entries',
          '/v1/entries/0',
          '/v1/transactions',
          '/v1/members',
          '/v1/members/' + OTHER_KEY,
          '/v1/records/k',
          '/v1/accounts/x/history'
        ])
        const allowed = allowedMethods(p)
        const method = r.pick(
          ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'].filter(
            (m) => !allowed.includes(m)
          )
        )
        return {
          kind: 'wrong method',
          method,
          path: p,
          headers: auth,
          ...(method === 'POST' || method === 'PUT' || method === 'PATCH'
            ? { body: validTx() }
            : {}),
          expect: [405],
          codes: ['METHOD_NOT_ALLOWED']
        }
      }
    ],
    [
      1,
      () => ({
        kind: 'unknown method',
        method: r.pick(['FOO', 'BREW', 'GETT']),
        path: '/v1/status',
        expect: [400],
        codes: ['BAD_REQUEST']
      })
    ],
    [
      4,
      () => ({
        kind: 'bad percent-encoding',
        method: 'GET',
        path:
          r.pick([
            '/v1/records/',
            '/v1/accounts/',
            '/v1/transactions/',
            '/v1/entries/',
            '/v1/records/k%zz/'
          ]) +
          r.pick(['%', '%zz', '%E0%A4%A', '%C0%AF', '%FF', 'a%', '%%', '%G1', '%ED%A0%80']) +
          (r.int(2) === 0 ? '/history' : ''),
        expect: [400, 404],
        codes: ['INVALID_ARGUMENT', 'ROUTE_NOT_FOUND']
      })
    ],
    [
      10,
      () => {
        const pick = r.int(4)
        const badInt = r.pick([
          '-1',
          'abc',
          '1.5',
          '',
          '1e3',
          '99999999999999999',
          '0x1',
          '%20',
          '1%00'
        ])
        if (pick === 0)
          return {
            kind: 'bad query: limit',
            method: 'GET',
            path: `${r.pick(['/v1/entries', '/v1/records/k/history', '/v1/accounts/x/history'])}?limit=${r.pick(['0', String(MAX_PAGE_LIMIT + 1), '5000', ...[badInt]])}`,
            expect: [400],
            codes: ['INVALID_ARGUMENT']
          }
        if (pick === 1)
          return {
            kind: 'bad query: gte/lt/reverse',
            method: 'GET',
            path: r.pick([
              `/v1/entries?gte=${badInt}`,
              `/v1/entries?lt=${badInt}`,
              `/v1/records/k/history?lt=${badInt}`,
              `/v1/entries?reverse=${r.pick(['sideways', '2', 'TRUE', 'no', 'yes'])}`
            ]),
            expect: [400],
            codes: ['INVALID_ARGUMENT']
          }
        // A good body with a bad wait or timeout: refused, and nothing written.
        const query =
          pick === 2
            ? `wait=${r.pick(['maybe', '', 'APPLIED', 'final%20', '0', 'none,final'])}`
            : `timeout=${r.pick(['-1', 'abc', String(MAX_SUBMIT_WAIT_MS + 1), '1.5', '', '1e3', '99999999999999999'])}`
        return {
          kind: 'bad query: wait/timeout',
          method: 'POST',
          path: `${r.pick(['/v1/transactions', '/v1/members'])}?${query}`,
          headers: auth,
          body: r.int(2) === 0 ? validTx() : JSON.stringify({ key: OTHER_KEY }),
          expect: [400],
          codes: ['INVALID_ARGUMENT']
        }
      }
    ],
    [
      8,
      () => {
        const wrong = r.pick([
          null,
          'Bearer',
          'Bearer ',
          `Bearer ${token.slice(1)}`,
          `Bearer ${token}x`,
          `Basic ${token}`,
          token,
          `Bearer ${token.toUpperCase()}`,
          `Bearer ${token} ${token}`,
          `Bearer ${'f'.repeat(64)}`,
          'Bearer \u00e9',
          `Token ${token}`
        ])
        const [method, p, body] = r.pick<[string, string, string | undefined]>([
          ['POST', '/v1/transactions', validTx()],
          ['POST', '/v1/members', JSON.stringify({ key: OTHER_KEY })],
          ['DELETE', `/v1/members/${OTHER_KEY}`, undefined]
        ])
        return {
          kind: 'missing or wrong token',
          method,
          path: p,
          headers: wrong === null ? {} : { Authorization: wrong },
          ...(body === undefined ? {} : { body }),
          expect: [401],
          codes: ['UNAUTHORIZED']
        }
      }
    ],
    [
      6,
      () => {
        const host = r.pick([
          'evil.example',
          'evil.example:80',
          '10.0.0.1',
          '',
          '127.0.0.1.nip.io',
          'localhost.',
          '[::2]:80',
          '0.0.0.0',
          '127.0.0.1:80:80',
          '127.1',
          'x'.repeat(300)
        ])
        const write = r.int(2) === 0
        return {
          kind: 'wrong Host header',
          method: write ? 'POST' : 'GET',
          path: write ? '/v1/transactions' : r.pick(['/v1/status', '/v1/head', '/v1/entries']),
          headers: { Host: host, ...(write ? auth : {}) },
          ...(write ? { body: validTx() } : {}),
          expect: [403],
          codes: ['FORBIDDEN']
        }
      }
    ],
    [
      3,
      () => ({
        kind: 'good write',
        method: 'POST',
        path: '/v1/transactions',
        headers: auth,
        body: JSON.stringify({ type: 'put', key: `good/${r.int(1e9)}`, value: r.int(1000) }),
        expect: [200],
        good: true
      })
    ]
  ]
  const total = generators.reduce((s, [w]) => s + w, 0)
  for (let i = 0; i < n; i++) {
    let x = r.int(total)
    for (const [w, gen] of generators) {
      if (x < w) {
        cases.push(gen())
        break
      }
      x -= w
    }
  }
  return cases
}

export function rawCases(
  r: Random,
  n: number,
  token: string
): Array<{
  kind: string
  data: Buffer | string
  mode: 'wait' | 'end' | 'destroy'
  reply: boolean
}> {
  const out: Array<{
    kind: string
    data: Buffer | string
    mode: 'wait' | 'end' | 'destroy'
    reply: boolean
  }> = []
  const post = `POST /v1/transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n`
  const structured = [
    'NOT HTTP AT ALL\r\n\r\n',
    'GET /v1/status HTTP/9.9\r\n\r\n',
    'GET /v1/status HTTP/1.1\r\nNo colon here\r\n\r\n',
    'GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX: a\u0001b\r\n\r\n',
    `GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`,
    'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    Buffer.from('16030100a5010000a10303', 'hex'),
    'GET /v1/status\r\n\r\n',
    '\r\n\r\nGET /nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', // GET / is the dashboard: a page, not an error
    `${post}Content-Length: abc\r\n\r\n{}`,
    `${post}Content-Length: -1\r\n\r\n`,
    `${post}Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    `${post}Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    'GET http://evil.example/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    'GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
  ]
  const tx = '{"type":"put","key":"half","value":1}'
  for (let i = 0; i < n; i++) {
    const pick = r.int(4)
    if (pick === 0)
      out.push({
        kind: 'raw garbage',
        data: Buffer.from(r.bytes(1 + r.int(3000))),
        mode: 'end',
        reply: false
      })
    else if (pick === 1)
      out.push({ kind: 'raw malformed HTTP', data: r.pick(structured), mode: 'wait', reply: true })
    else {
      // Half-sent: headers cut off, or a body shorter than its Content-Length; then hang up or half-close.
      const full = `${post}Content-Length: ${tx.length + 10}\r\n\r\n${tx}`
      out.push({
        kind: 'half-sent request',
        data: full.slice(0, 1 + r.int(full.length - 1)),
        mode: r.pick(['end', 'destroy']),
        reply: false
      })
    }
  }
  return out
}

/** Thousands of bad requests at a real daemon: every reply documented, the daemon alive, the ledger changed only by good writes. */
