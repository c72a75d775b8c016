import test from 'brittle'
import { createNode, link, converged } from './helpers/nodes.js'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import { cliJson } from './helpers/cli.js'
import { request } from './helpers/http.js'
import { until, untilWritable } from './helpers/wait.js'
import { Scrape } from './helpers/scrape.js'
import { ApiServer } from '../lib/http/server.js'
import { LedgerApi } from '../lib/api/operations.js'
import { FinalityClock } from '../lib/node/finality-clock.js'
import type { LedgerNode } from '../lib/index.js'

const WRITER = 'b'.repeat(64)

test('metrics - a scrape of a running daemon parses, and its figures are the ledger status gives', async (t) => {
  const dir = await ledgerDir(t)
  const { url, token, ready } = await startDaemon(t, dir)
  const submit = (tx: unknown): Promise<{ status: number; json: any }> =>
    request(`${url}/v1/transactions?wait=final`, {
      method: 'POST',
      token,
      body: JSON.stringify(tx)
    })
  t.is((await submit({ type: 'put', key: 'k', value: 1 })).status, 200)
  const rejected = await submit({ type: 'transfer', from: ready.writerKey, to: WRITER, amount: 5 })
  t.is(rejected.json.transactions[0].entry.reason, 'INSUFFICIENT_FUNDS')

  const res = await fetch(`${url}/metrics`)
  t.is(res.status, 200)
  t.ok(res.headers.get('content-type')?.startsWith('text/plain; version=0.0.4'), 'the text format')
  const scrape = new Scrape(await res.text())
  const status = await cliJson<{ length: number; finalLength: number; peers: number }>(t, [
    'status',
    '--dir',
    dir
  ])
  t.is(scrape.value('autoledger_ledger_length'), status.length, 'ledger length = status')
  t.is(scrape.value('autoledger_final_length'), status.finalLength, 'final length = status')
  t.is(status.length, 3, 'set-version, put, transfer')
  t.is(scrape.type('autoledger_ledger_length'), 'GAUGE')
  t.is(scrape.value('autoledger_finality_lag_entries'), 0)
  t.is(scrape.value('autoledger_finality_lag_seconds'), 0)
  t.is(scrape.type('autoledger_transactions_total'), 'COUNTER')
  t.alike(
    scrape.byLabel('autoledger_transactions_total', 'outcome'),
    { accepted: 2, INSUFFICIENT_FUNDS: 1 },
    'outcomes of the final entries'
  )
  t.is(scrape.value('autoledger_submitted_transactions_total'), 2)
  t.is(scrape.sample('autoledger_submit_to_final_seconds').count, '2', 'both timed to final')
  t.is(scrape.sample('autoledger_submit_to_applied_seconds').count, '2', 'and to applied')
  t.ok(Number(scrape.sample('autoledger_apply_seconds').count) >= 1, 'apply calls timed')
  t.is(scrape.value('autoledger_peers'), status.peers)
  t.alike(scrape.byLabel('autoledger_alarm', 'alarm'), { diverged: 0, stalled: 0 })
  t.is(
    scrape.value('autoledger_writer_length', { writer: ready.writerKey }),
    3,
    'own log: 3 blocks'
  )
  t.is(scrape.value('autoledger_writer_behind_blocks', { writer: ready.writerKey }), 0)
  for (const name of [
    'process_cpu_user_seconds_total',
    'nodejs_eventloop_lag_seconds',
    'hypercore_total_cores',
    'hyperswarm_nr_peers',
    'autoledger_network_bytes_sent_total'
  ])
    t.ok(scrape.families.has(name), `${name} is there`)

  t.alike(await request(`${url}/healthz`), { status: 200, json: { status: 'ok' } })
  const readyz = await until(async () => {
    const r = await request(`${url}/readyz`)
    return r.status === 200 ? r : null
  }, 'the daemon to be ready')
  t.alike(readyz.json, { ready: true, failing: [] })
  t.is(
    new Scrape(await (await fetch(`${url}/metrics`)).text()).value('autoledger_ready'),
    1,
    'the ready gauge agrees'
  )
})

test('health - readyz names the failing check of a node not on the network; probes need no token, metrics does where reads do', async (t) => {
  const node = await createNode(t)
  const token = 'metrics-test-token'
  const server = new ApiServer({ api: new LedgerApi(node), token, authReads: true })
  const url = await server.listen()
  t.teardown(() => server.close(), { order: -1 })

  t.alike(await request(`${url}/healthz`), { status: 200, json: { status: 'ok' } })
  const readyz = await request(`${url}/readyz`)
  t.is(readyz.status, 503)
  t.is(readyz.json.code, 'NOT_READY')
  t.alike(readyz.json.failing, [
    { check: 'network', message: 'the node was opened without a network' }
  ])
  t.is(readyz.json.message, 'not ready: the node was opened without a network')
  t.is((await request(`${url}/metrics`)).status, 401, 'metrics needs the token like any read')
  const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${token}` } })
  const scrape = new Scrape(await res.text())
  t.is(scrape.value('autoledger_ready'), 0)
  t.is(scrape.value('autoledger_ledger_length'), node.length)
})

test('metrics - outcomes count each final entry once across reorders, the same on every node', async (t) => {
  const a = await createNode(t)
  const b = await createNode(t, { key: a.key })
  link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey, indexer: true })
  await untilWritable(b)
  const scrape = async (n: LedgerNode): Promise<Scrape> => new Scrape(await n.metricsText())
  await Promise.all([scrape(a), scrape(b)]) // the tally runs from the first scrape on
  const reorders = async (): Promise<number> =>
    (await a.status()).reorders + (await b.status()).reorders
  for (let i = 0; i < 100 && (i < 10 || (await reorders()) === 0); i++) {
    await Promise.all([
      a.submit({ type: 'put', key: `k${i % 7}`, value: i }),
      b.submit({ type: 'del', key: `k${i % 5}` }),
      b.submit({ type: 'transfer', from: toHex(b.writerKey), to: WRITER, amount: 1 })
    ])
  }
  t.ok((await reorders()) > 0, `the nodes reordered (${await reorders()} times)`)
  await converged([a, b], { final: true })

  const outcomes = await expectedOutcomes(a)
  for (const [name, node] of [
    ['a', a],
    ['b', b]
  ] as const) {
    const counted = await until(async () => {
      const s = await scrape(node)
      const total = Object.values(s.byLabel('autoledger_transactions_total', 'outcome'))
      return total.reduce((x, y) => x + y, 0) === node.finalLength ? s : null
    }, `${name} to count every final entry`)
    t.alike(
      counted.byLabel('autoledger_transactions_total', 'outcome'),
      outcomes,
      `${name}: one count per final entry, by outcome`
    )
    t.is(
      counted.value('autoledger_reorders_total'),
      (await node.status()).reorders,
      `${name}: reorders = status`
    )
  }
})

test('metrics - finality lag in seconds: the age of the oldest entry not final yet', (t) => {
  const clock = new FinalityClock()
  t.is(clock.lagSeconds(0), 0, 'nothing waits')
  clock.update(5, 0, 1000)
  t.is(clock.lagSeconds(3000), 2, 'entries 0-4 wait since 1 s')
  clock.update(8, 0, 1500) // within one step: recorded with the older time
  clock.update(10, 5, 4000)
  t.is(clock.lagSeconds(4000), 3, 'entries 5-7 wait since 1 s')
  clock.update(12, 8, 5000)
  t.is(clock.lagSeconds(5000), 1, 'entries 8 and 9 wait since 4 s')
  clock.update(12, 12, 6000)
  t.is(clock.lagSeconds(6000), 0, 'all final')
  clock.update(11, 11, 7000) // a reorder shortened the view
  clock.update(13, 11, 8000)
  t.is(clock.lagSeconds(9000), 1, 'a new entry waits since 8 s')
})

/** The outcomes of every entry, counted from the ledger itself. */
async function expectedOutcomes(node: LedgerNode): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (let gte: number | null = 0; gte !== null;) {
    const page = await node.entries({ gte, limit: 1000 })
    for (const e of page.items)
      counts[e.reason ?? 'accepted'] = (counts[e.reason ?? 'accepted'] ?? 0) + 1
    gte = page.next
  }
  return counts
}

function toHex(key: Uint8Array): string {
  return Buffer.from(key).toString('hex')
}
