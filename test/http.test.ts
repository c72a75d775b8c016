import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import net from 'net'
import type { Spawned } from './helpers/cli.js'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import type { Ready } from './helpers/daemon.js'
import { request } from './helpers/http.js'
import { LOOPBACK } from './helpers/loopback.js'
import { httpStatusOf } from '../lib/errors.js'
import { MAX_TXS_PER_SUBMIT } from '../lib/api/operations.js'

/** One initialized node with its daemon running, for the whole file (teardown at the end). */
async function daemon(
  t: test.Test
): Promise<{ dir: string; ready: Ready; token: string; proc: Spawned; url: string }> {
  const dir = await ledgerDir(t, 'node')
  const { proc, ready, token } = await startDaemon(t, dir)
  return { dir, ready, token, proc, url: ready.url }
}

test('http - every route: reads, writes, paging, membership', async (t) => {
  const { url, token, ready } = await daemon(t)
  const me = ready.writerKey
  const post = (p: string, body: unknown): ReturnType<typeof request> =>
    request(url + p, { method: 'POST', token, body: JSON.stringify(body) })

  const single = await post('/v1/transactions', { type: 'put', key: 'a/b c', value: { n: 1 } })
  t.is(single.status, 200)
  t.is(single.json.pending, 0)
  const [{ id, entry }] = single.json.transactions
  t.is(entry.outcome, 'accepted')
  t.is(entry.id, id)

  const batch = await post('/v1/transactions', [
    { type: 'mint', account: me, amount: '340282366920938463463374607431768211455' },
    { type: 'open-account', account: 'pool' },
    { type: 'transfer', from: me, to: 'pool', amount: 5, memo: 'x' },
    { type: 'transfer', from: 'pool', to: me, amount: '6' },
    { type: 'put', key: 'a/b c', value: [2] }
  ])
  t.is(batch.status, 200)
  t.alike(
    batch.json.transactions.map(
      (x: { entry: { outcome: string; reason: string | null } }) =>
        x.entry.reason ?? x.entry.outcome
    ),
    ['accepted', 'accepted', 'accepted', 'INSUFFICIENT_FUNDS', 'accepted']
  )

  const status = await request(url + '/v1/status')
  t.is(status.status, 200, 'reads need no token on loopback')
  t.is(status.json.length, 7)
  t.is(
    status.json.supply,
    '340282366920938463463374607431768211455',
    'amounts above 2^53 are exact decimal strings'
  )
  t.is((await request(url + '/v1/head')).json.length, 7)

  const page1 = await request(url + '/v1/entries?limit=4')
  t.is(page1.json.items.length, 4)
  t.is(page1.json.next, 4)
  const page2 = await request(url + `/v1/entries?gte=${page1.json.next}&limit=4`)
  t.alike(
    page2.json.items.map((e: { position: number }) => e.position),
    [4, 5, 6]
  )
  t.is(page2.json.next, null)
  const newest = await request(url + '/v1/entries?reverse=true&limit=2')
  t.alike(
    newest.json.items.map((e: { position: number }) => e.position),
    [6, 5]
  )
  t.is((await request(url + '/v1/entries/1')).json.tx.type, 'put')
  t.is((await request(url + `/v1/transactions/${id}`)).json.position, 1)

  const record = await request(url + '/v1/records/' + encodeURIComponent('a/b c'))
  t.alike(record.json.value, [2])
  const history = await request(url + '/v1/records/' + encodeURIComponent('a/b c') + '/history')
  t.alike(
    history.json.items.map((e: { position: number }) => e.position),
    [6, 1],
    'history is newest first'
  )
  const older = await request(
    url + '/v1/records/' + encodeURIComponent('a/b c') + '/history?limit=1&lt=6'
  )
  t.alike(
    older.json.items.map((e: { position: number }) => e.position),
    [1],
    'paged with lt'
  )
  const pool = await request(url + '/v1/accounts/pool')
  t.is(pool.json.balance, '5')
  t.alike(pool.json.owners, [me])
  const acctHistory = await request(url + '/v1/accounts/pool/history')
  t.is(acctHistory.json.items.length, 2, 'open-account and the transfer in')

  const other = 'ab'.repeat(32)
  const added = await post('/v1/members', { key: other, indexer: false })
  t.is(added.status, 200)
  t.is(added.json.transactions[0].entry.outcome, 'accepted')
  const members = await request(url + '/v1/members')
  t.is(members.json.members.length, 2)
  const removed = await request(url + `/v1/members/${other}`, { method: 'DELETE', token })
  t.is(removed.json.transactions[0].entry.outcome, 'accepted')
  t.is((await request(url + '/v1/members')).json.members.length, 1)

  // As of a past position: 1 put, 2 mint, 3 open pool, 4 transfer in, 6 put, 7 add, 8 remove.
  const key = encodeURIComponent('a/b c')
  const then = await request(url + `/v1/records/${key}?at=2`)
  t.alike(
    then.json,
    { key: 'a/b c', value: { n: 1 }, position: 1, final: true, at: 2 },
    'a record as of position 2'
  )
  t.is((await request(url + `/v1/records/${key}?at=1`)).json.code, 'NOT_FOUND', 'before its put')
  t.is(
    (await request(url + '/v1/accounts/pool?at=4')).json.balance,
    '0',
    'pool before the transfer'
  )
  t.is((await request(url + '/v1/accounts/pool?at=5')).json.balance, '5', 'and after it')
  const membersThen = await request(url + '/v1/members?at=8')
  t.is(membersThen.json.members.length, 2, 'two members as of 8')
  t.is(membersThen.json.at, 8)
  t.is(membersThen.json.final, true)
  const diff = await request(url + '/v1/diff?from=1&to=7')
  t.alike(
    diff.json.items.map((c: { kind: string; key: string }) => `${c.kind} ${c.key}`),
    ['record a/b c', `account ${me}`, 'account pool'],
    'what differs between 1 and 7, in the order of first change'
  )
  t.is(diff.json.next, null)
  const diffPage = await request(url + '/v1/diff?from=1&to=7&limit=1')
  t.is(diffPage.json.items.length, 1)
  t.is(diffPage.json.next, 2, 'the next page starts after the first change')

  const none = await post('/v1/transactions?wait=none', { type: 'put', key: 'quick', value: true })
  t.ok(none.status === 200 || none.status === 202, 'wait=none returns at once')
  t.is(none.json.transactions.length, 1)
  const final = await post('/v1/transactions?wait=final&timeout=20000', {
    type: 'put',
    key: 'sure',
    value: true
  })
  t.is(final.status, 200)
  t.is(final.json.transactions[0].entry.final, true, 'wait=final waits for finality (one indexer)')
})

test('http - malformed requests get 4xx with { code, message } and the daemon keeps serving', async (t) => {
  const { url, token, proc, dir } = await daemon(t)
  const post = (
    body: string | undefined,
    opts: { token?: string; path?: string; headers?: Record<string, string> } = {}
  ): ReturnType<typeof request> =>
    request(url + (opts.path ?? '/v1/transactions'), {
      method: 'POST',
      token: 'token' in opts ? opts.token : token,
      ...(body === undefined ? {} : { body }),
      ...(opts.headers === undefined ? {} : { headers: opts.headers })
    })

  // Each case names the code it must get; the status is the one the code has (ERRORS).
  const cases: Array<[string, () => ReturnType<typeof request>, string]> = [
    ['bad JSON', () => post('{"type": "put",'), 'BAD_JSON'],
    ['empty body', () => post(''), 'BAD_JSON'],
    ['not an object', () => post('"put"'), 'INVALID_ARGUMENT'],
    ['null', () => post('null'), 'INVALID_ARGUMENT'],
    ['empty array', () => post('[]'), 'INVALID_ARGUMENT'],
    ['nested array', () => post('[[{"type":"put"}]]'), 'INVALID_ARGUMENT'],
    ['unknown type', () => post('{"type":"steal"}'), 'UNKNOWN_TYPE'],
    ['wrong key type', () => post('{"type":"put","key":5,"value":1}'), 'INVALID_ARGUMENT'],
    [
      'wrong amount type',
      () => post('{"type":"mint","account":"pool","amount":[1]}'),
      'INVALID_AMOUNT'
    ],
    [
      'fractional amount',
      () => post('{"type":"mint","account":"pool","amount":1.5}'),
      'INVALID_AMOUNT'
    ],
    ['bad account', () => post('{"type":"mint","account":"UPPER","amount":1}'), 'INVALID_ACCOUNT'],
    ['bad id', () => post('{"type":"put","key":"k","value":1,"id":"xyz"}'), 'INVALID_ARGUMENT'],
    [
      'bad timestamp',
      () => post('{"type":"put","key":"k","value":1,"timestamp":-1}'),
      'INVALID_ARGUMENT'
    ],
    [
      'deep nesting',
      () =>
        post('{"type":"put","key":"k","value":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'),
      'INVALID_VALUE'
    ],
    [
      'too many',
      () =>
        post(
          JSON.stringify(
            Array.from({ length: MAX_TXS_PER_SUBMIT + 1 }, () => ({ type: 'del', key: 'k' }))
          )
        ),
      'INVALID_ARGUMENT'
    ],
    [
      'bad wait',
      () => post('{"type":"del","key":"k"}', { path: '/v1/transactions?wait=maybe' }),
      'INVALID_ARGUMENT'
    ],
    ['huge body', () => post('[' + '"x",'.repeat(300_000) + '"x"]'), 'PAYLOAD_TOO_LARGE'],
    ['missing token', () => post('{"type":"del","key":"k"}', { token: undefined }), 'UNAUTHORIZED'],
    [
      'wrong token',
      () => post('{"type":"del","key":"k"}', { token: 'f'.repeat(64) }),
      'UNAUTHORIZED'
    ],
    ['member body', () => post('{"key":7}', { path: '/v1/members' }), 'INVALID_ARGUMENT'],
    [
      'member flags',
      () => post(`{"key":"${'ab'.repeat(32)}","admin":"yes"}`, { path: '/v1/members' }),
      'INVALID_ARGUMENT'
    ],
    ['unknown route', () => request(url + '/v1/nothing'), 'ROUTE_NOT_FOUND'],
    [
      'root, not GET (the dashboard)',
      () => request(url + '/', { method: 'POST' }),
      'ROUTE_NOT_FOUND'
    ],
    [
      'wrong method',
      () => request(url + '/v1/status', { method: 'DELETE', token }),
      'METHOD_NOT_ALLOWED'
    ],
    ['bad position', () => request(url + '/v1/entries/-1'), 'INVALID_ARGUMENT'],
    ['missing entry', () => request(url + '/v1/entries/99999'), 'NOT_FOUND'],
    ['bad tx id', () => request(url + '/v1/transactions/zz'), 'INVALID_ARGUMENT'],
    ['missing tx', () => request(url + '/v1/transactions/' + '00'.repeat(16)), 'NOT_FOUND'],
    ['bad paging', () => request(url + '/v1/entries?limit=-3'), 'INVALID_ARGUMENT'],
    ['bad reverse', () => request(url + '/v1/entries?reverse=sideways'), 'INVALID_ARGUMENT'],
    ['bad encoding', () => request(url + '/v1/records/%E0%A4%A'), 'INVALID_ARGUMENT'],
    ['missing record', () => request(url + '/v1/records/none'), 'NOT_FOUND'],
    ['at beyond the ledger', () => request(url + '/v1/records/x?at=99999'), 'INVALID_ARGUMENT'],
    ['at not a number', () => request(url + '/v1/members?at=yesterday'), 'INVALID_ARGUMENT'],
    ['diff from after to', () => request(url + '/v1/diff?from=1&to=0'), 'INVALID_ARGUMENT'],
    ['diff without from', () => request(url + '/v1/diff?to=1'), 'INVALID_ARGUMENT']
  ]
  for (const [name, send, code] of cases) {
    const status = httpStatusOf(code)
    const res = await send()
    t.is(res.status, status, `${name}: ${status}`)
    t.is(res.json?.code, code, `${name}: ${code}`)
    t.is(typeof res.json?.message, 'string')
  }

  // Raw garbage and a body cut off half way.
  const { port } = new URL(url)
  const garbage = await rawExchange(Number(port), 'NOT HTTP AT ALL\r\n\r\n')
  t.ok(
    garbage.startsWith(`HTTP/1.1 ${httpStatusOf('BAD_REQUEST')}`),
    `garbage on the socket gets ${httpStatusOf('BAD_REQUEST')}`
  )
  const rebound = await rawExchange(
    Number(port),
    'GET /v1/status HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n'
  )
  t.ok(
    rebound.startsWith(`HTTP/1.1 ${httpStatusOf('FORBIDDEN')}`) &&
      rebound.includes('"code":"FORBIDDEN"'),
    `a non-loopback Host header gets ${httpStatusOf('FORBIDDEN')} (DNS rebinding)`
  )
  const chunk = 'x'.repeat(64 * 1024)
  const chunked = await rawExchange(
    Number(port),
    `POST /v1/transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(20) +
      '0\r\n\r\n'
  )
  t.ok(
    chunked.startsWith(`HTTP/1.1 ${httpStatusOf('PAYLOAD_TOO_LARGE')}`) &&
      chunked.includes('"code":"PAYLOAD_TOO_LARGE"'),
    `a chunked body over the cap gets ${httpStatusOf('PAYLOAD_TOO_LARGE')}`
  )
  await rawExchange(
    Number(port),
    `POST /v1/transactions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Length: 1000\r\n\r\n{"type":`,
    true
  )

  t.ok(proc.running, 'the daemon is still running')
  const ok = await request(url + '/v1/transactions', {
    method: 'POST',
    token,
    body: '{"type":"put","key":"still","value":"serving"}'
  })
  t.is(ok.status, 200, 'and still takes writes')
  t.is((await request(url + '/v1/status')).status, 200)
  const errors = proc.stderrLines.filter((l) => l.includes('"level":"error"'))
  t.alike(errors, [], 'no server errors logged')

  const stat = await fs.stat(path.join(dir, 'token'))
  t.is(stat.mode & 0o777, 0o600, 'token file mode 0600')
  const announced = JSON.parse(await fs.readFile(path.join(dir, 'daemon.json'), 'utf8'))
  t.is(announced.url, url, 'daemon.json announces the HTTP address')
})

/** Write raw bytes; resolve with what comes back (or, with `hangUp`, after closing our side early). */
async function rawExchange(port: number, data: string, hangUp = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, LOOPBACK, () => {
      socket.write(data)
      if (hangUp) socket.destroy()
    })
    let text = ''
    socket.on('data', (d) => {
      text += d.toString()
    })
    socket.on('close', () => resolve(text))
    socket.on('error', (err) => (hangUp ? resolve('') : reject(err)))
  })
}
