import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import crypto from 'hypercore-crypto'
import { createNode, link, converged } from './helpers/nodes.js'
import type { MakeNode } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'
import { DoubleApplyNode } from './helpers/skewed-apply.js'
import { cli, cliJson } from './helpers/cli.js'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import { request } from './helpers/http.js'
import { httpStatusOf, exitStatusOf } from '../lib/errors.js'

const MARKER = 'applied-twice'
const doubleApply: MakeNode = (opts) => new DoubleApplyNode(opts, MARKER)

test('verify - two writers: the derivation from the writer logs is identical, entries and state', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey })
  await untilWritable(b)
  for (let i = 0; i < 20; i++) {
    await a.submit({ type: 'put', key: `a${i}`, value: i })
    await b.submit({ type: 'put', key: `b${i % 5}`, value: i })
  }
  await a.submit({ type: 'mint', account: 'pool', amount: '100' }).catch(() => {}) // an account that was never opened: a rejection, recorded too
  const head = await converged([a, b], { final: true })
  for (const [name, node] of [
    ['a', a],
    ['b', b]
  ] as const) {
    const report = await node.verify()
    t.is(report.result, 'identical', `${name}: identical`)
    t.is(report.length, node.finalLength, `${name}: every final entry compared`)
    t.is(report.head, head, `${name}: the head is the final head`)
    t.ok(report.stateCompared, `${name}: the state was compared too`)
    t.alike(report.missing, [], `${name}: nothing missing`)
    t.comment(
      `${name}: ${report.length} entries in ${report.ms} ms (${report.entriesPerSecond} entries/s)`
    )
  }
})

test('verify - a node whose own apply recorded a block twice: different, at the copy, with both sides', async (t) => {
  const a = await createNode(t, {}, doubleApply)
  await a.submit({ type: 'put', key: 'before', value: 1 })
  await a.submit({ type: 'put', key: MARKER, value: 2 })
  await a.submit({ type: 'put', key: 'after', value: 3 })
  const copies = (await a.entries({ limit: 1000 })).items.filter(
    (e) => e.tx?.type === 'put' && e.tx.key === MARKER
  )
  t.is(copies.length, 2, 'the node holds the block twice')
  const report = await a.verify()
  t.is(report.result, 'different')
  t.is(report.difference?.position, copies[1].position, 'the first difference is the copy')
  const ours = report.difference?.ours
  t.is(
    typeof ours === 'object' && ours !== null ? ours.reason : null,
    'DUPLICATE_ID',
    'this side: the copy, rejected as a duplicate'
  )
  const derived = report.difference?.derived
  t.is(
    typeof derived === 'object' && derived !== null ? derived.position : null,
    copies[1].position,
    'the derived side: the entry the writer logs give there'
  )
})

test('verify - the command: direct on the store, and through a running daemon (POST /v1/verify, token required)', async (t) => {
  const dir = await ledgerDir(t)
  for (let i = 0; i < 5; i++) await cliJson(t, ['put', `k${i}`, String(i), '--dir', dir])
  const direct = await cli(['verify', '--json', '--dir', dir])
  t.is(direct.code, 0, `direct: exits 0 ${direct.stderr}`)
  const report = direct.lines[0] as { result: string; length: number; stateCompared: boolean }
  t.is(report.result, 'identical')
  t.is(report.length, 6, 'the first entry (the format version) and the five puts')
  t.ok(report.stateCompared)

  const daemon = await startDaemon(t, dir)
  const human = await cli(['verify', '--dir', dir])
  t.is(human.code, 0, `through the daemon: exits 0 ${human.stderr}`)
  t.ok(
    /^identical: 6 final entries and the state, head [0-9a-f]{64}$/m.test(human.stdout),
    human.stdout.split('\n')[0]
  )
  const exported = await request(`${daemon.url}/v1/export?gte=1&limit=2`)
  t.is(exported.status, 200, 'GET /v1/export')
  t.alike(
    (exported.json as { items: Array<{ position: number; bytes: string }> }).items.map((e) => [
      e.position,
      e.bytes.length > 64
    ]),
    [
      [1, true],
      [2, true]
    ],
    'a page of entries with their bytes'
  )
  const anonymous = await request(`${daemon.url}/v1/verify`, { method: 'POST', body: '{}' })
  t.is(anonymous.status, httpStatusOf('UNAUTHORIZED'), 'without the token: refused')
})

test('export - NDJSON of the final entries with their bytes: the chain checks out line by line, with only the format', async (t) => {
  const dir = await ledgerDir(t)
  for (let i = 0; i < 4; i++) await cliJson(t, ['put', `k${i}`, String(i), '--dir', dir])
  const all = await cli(['export', '--dir', dir])
  t.is(all.code, 0, all.stderr)
  const lines = all.stdout
    .trim()
    .split('\n')
    .map(
      (l) => JSON.parse(l) as { position: number; hash: string; prevHash: string; bytes: string }
    )
  t.is(lines.length, 5, 'every final entry: the format version and four puts')
  let prev = '00'.repeat(32)
  for (const [i, e] of lines.entries()) {
    const bytes = Buffer.from(e.bytes, 'hex')
    const body = bytes.subarray(0, bytes.length - 32)
    t.is(e.position, i)
    t.is(
      crypto.hash(body).toString('hex'),
      e.hash,
      `entry ${i}: its hash is BLAKE2b-256 of its bytes`
    )
    t.is(bytes.subarray(bytes.length - 32).toString('hex'), e.hash, `entry ${i}: and ends them`)
    t.is(
      body.subarray(body.length - 32).toString('hex'),
      prev,
      `entry ${i}: its body ends with the previous entry's hash`
    )
    t.is(e.prevHash, prev)
    prev = e.hash
  }
  const part = await cli(['export', '--gte', '1', '--lt', '3', '--dir', dir])
  t.alike(
    part.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { position: number }).position),
    [1, 2],
    '--gte and --lt'
  )
  const file = path.join(dir, 'archive.ndjson')
  t.is((await cli(['export', '--out', file, '--dir', dir])).code, 0)
  t.is(await fs.readFile(file, 'utf8'), all.stdout, '--out writes the same')
  const again = await cli(['export', '--out', file, '--dir', dir])
  t.is(again.code, exitStatusOf('INVALID_ARGUMENT'), 'an existing file is never overwritten')
  t.ok(/INVALID_ARGUMENT: .* exists/.test(again.stderr), again.stderr.trim())
})
