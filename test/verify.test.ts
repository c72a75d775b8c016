import test from 'brittle'
import { createNode, link, converged } from './helpers/nodes.js'
import type { MakeNode } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'
import { DoubleApplyNode } from './helpers/skewed-apply.js'
import { cli, cliJson } from './helpers/cli.js'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import { request } from './helpers/http.js'
import { httpStatusOf } from '../lib/errors.js'

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
  const anonymous = await request(`${daemon.url}/v1/verify`, { method: 'POST', body: '{}' })
  t.is(anonymous.status, httpStatusOf('UNAUTHORIZED'), 'without the token: refused')
})
