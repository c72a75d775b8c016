import test from 'brittle'
import { PassThrough } from 'stream'
import { createNode, link, converged } from './helpers/nodes.js'
import type { MakeNode } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { untilWritable, until } from './helpers/wait.js'
import { STEP_TIMEOUT_MS } from './helpers/timeouts.js'
import { DoubleApplyNode, HeldApplyNode } from './helpers/skewed-apply.js'
import { serveAsDaemon } from './helpers/in-process-daemon.js'
import { cli } from './helpers/cli.js'
import { Logger } from '../lib/daemon/log.js'
import { logAlarms } from '../lib/daemon/alarm-log.js'
import { LedgerNode } from '../lib/index.js'
import { exitStatusOf } from '../lib/errors.js'
import { stringify } from '../lib/api/json.js'
import { Scrape } from './helpers/scrape.js'
import { request } from './helpers/http.js'
import type { AlarmEvent, AlarmName } from '../lib/index.js'

/** Blocks holding this are applied twice by a DoubleApplyNode. */
const MARKER = 'applied-twice'

/** The next `event` of a node, or a failure after STEP_TIMEOUT_MS. */
function next<E extends 'alarm' | 'alarm-cleared'>(
  node: LedgerNode,
  event: E
): Promise<E extends 'alarm' ? AlarmEvent : AlarmName> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ${event} event within ${STEP_TIMEOUT_MS} ms`)),
      STEP_TIMEOUT_MS
    )
    node.once(event, ((value: AlarmEvent | AlarmName) => {
      clearTimeout(timer)
      resolve(value as E extends 'alarm' ? AlarmEvent : AlarmName)
    }) as never)
  })
}

function countAlarms(node: LedgerNode): AlarmEvent[] {
  const seen: AlarmEvent[] = []
  node.on('alarm', (e) => seen.push(e))
  return seen
}

const plain: MakeNode = (opts) => new LedgerNode(opts)
const doubleApply: MakeNode = (opts) => new DoubleApplyNode(opts, MARKER)

/** A ledger creator (the only indexer) and a writer, linked, the writer added. */
async function pair(
  t: test.Test,
  indexer: MakeNode,
  writer: MakeNode
): Promise<[LedgerNode, LedgerNode]> {
  const a = await createNode(t, {}, indexer)
  const b = await createNode(t, { key: a.key }, writer)
  link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey, role: 'writer' })
  await untilWritable(b)
  return [a, b]
}

/** Both write around one block the double-applying node records twice; returns that transaction's id. */
async function writeAround(a: LedgerNode, b: LedgerNode): Promise<string> {
  await a.submit({ type: 'put', key: 'before-a', value: 1 })
  await b.submit({ type: 'put', key: 'before-b', value: 2 })
  const { id } = await a.submit({ type: 'put', key: MARKER, value: 3 })
  await b.submit({ type: 'put', key: 'after-b', value: 4 })
  await a.submit({ type: 'put', key: 'after-a', value: 5 })
  return id
}

test('alarms - a writer whose indexer signed a different ledger raises diverged and follows the signed one', async (t) => {
  const [a, b] = await pair(t, doubleApply, plain)
  const alarmsA = countAlarms(a)
  const alarmsB = countAlarms(b)
  const raised = next(b, 'alarm')
  await b.metricsText() // its outcome tally runs from here on, through the divergence
  const id = await writeAround(a, b)

  const event = await raised
  t.is(event.name, 'diverged')
  const twice = (await a.entries({ limit: 1000 })).items.filter((e) => e.id === id)
  t.is(twice.length, 2, 'the indexer recorded the block twice')
  t.is(twice[1].reason, 'DUPLICATE_ID')
  if (event.name === 'diverged') {
    t.is(event.alarm.position, twice[1].position, 'the first differing position is the second copy')
    t.not(event.alarm.head, event.alarm.signedHead)
    t.ok(event.alarm.finalLength <= event.alarm.position)
  }

  const head = await converged([a, b], { final: true, allowDiverged: true })
  t.is((await b.head()).final.hash, head, 'the writer holds the signed ledger')
  t.is((await b.entry(twice[1].position))?.reason, 'DUPLICATE_ID')
  const { id: later } = await b.submit({ type: 'put', key: 'later', value: 6 })
  t.is(
    (await b.waitForTransaction(later, { final: true })).final,
    true,
    'its new writes become final again'
  )
  await converged([a, b], { final: true, allowDiverged: true })

  const status = await b.status()
  t.is(status.diverged?.position, twice[1].position)
  t.is(status.diverged?.followed, true)
  t.is(status.stalled, null)
  t.is(alarmsB.length, 1, 'raised once')
  t.is(alarmsA.length, 0, 'the indexer raises nothing: its own derivation is the signed one')
  t.is((await a.status()).diverged, null)

  const outcomes = async (n: LedgerNode): Promise<string> =>
    stringify(
      Object.entries(
        new Scrape(await n.metricsText()).byLabel('autoledger_transactions_total', 'outcome')
      ).sort()
    )
  const signedOutcomes = await outcomes(a)
  t.ok(signedOutcomes.includes('["DUPLICATE_ID",1]'), 'the indexer counts the copy')
  await until(
    async () => ((await outcomes(b)) === signedOutcomes ? true : null),
    'the writer to count the outcomes of the signed ledger'
  )
  t.pass('the writer recounted the signed ledger once it followed it')

  // status --check and readyz against both, as the daemons of their directories
  const dirA = await tmpdir(t)
  const dirB = await tmpdir(t)
  const urlA = await serveAsDaemon(t, a, dirA)
  const urlB = await serveAsDaemon(t, b, dirB)
  const readyB = await request(`${urlB}/readyz`)
  t.is(readyB.status, 503, 'readyz: not ready while diverged')
  t.ok(
    readyB.json.failing.some((f: { check: string }) => f.check === 'diverged'),
    readyB.json.message
  )
  const readyA = await request(`${urlA}/readyz`)
  t.alike(
    readyA.json.failing.map((f: { check: string }) => f.check),
    ['network'],
    'the indexer fails only the network check (these nodes replicate over pipes)'
  )
  const bad = await cli(['status', '--check', '--dir', dirB])
  t.is(bad.code, exitStatusOf('ALARM'), 'status --check fails with ALARM while diverged')
  t.ok(
    /^autoledger: ALARM: DIVERGED at position \d+: own head [0-9a-f]{16}\.\.\. differed from the signed [0-9a-f]{16}\.\.\. at length \d+; follows the signed ledger now/.test(
      bad.stderr
    ),
    bad.stderr
  )
  t.is(bad.stderr.trim().split('\n').length, 1, 'one line on stderr')
  t.ok(/health\s+DIVERGED/.test(bad.stdout), 'the health line names the alarm')
  const json = await cli(['status', '--check', '--json', '--dir', dirB])
  t.is(json.code, exitStatusOf('ALARM'))
  t.is((json.lines[0] as { diverged: { position: number } }).diverged.position, twice[1].position)
  const good = await cli(['status', '--check', '--dir', dirA])
  t.is(good.code, 0, good.stderr)
  t.ok(/health\s+ok/.test(good.stdout))
  t.is((await cli(['status', '--dir', dirB])).code, 0, 'without --check status exits 0')
})

test('alarms - a node whose own apply differs raises diverged and follows the signed ledger', async (t) => {
  const [a, b] = await pair(t, plain, doubleApply)
  const raised = next(b, 'alarm')
  const id = await writeAround(a, b)
  const event = await raised
  t.is(event.name, 'diverged')
  const once = (await a.entries({ limit: 1000 })).items.filter((e) => e.id === id)
  t.is(once.length, 1)
  if (event.name === 'diverged')
    t.is(
      event.alarm.position,
      once[0].position + 1,
      'its derivation differs after the block it applied twice'
    )
  const head = await converged([a, b], { final: true, allowDiverged: true })
  t.is((await b.head()).final.hash, head)
  t.is(
    (await b.entries({ limit: 1000 })).items.filter((e) => e.id === id).length,
    1,
    'it holds the signed ledger, without the copy'
  )
})

test('alarms - a node opened without fast-forward raises diverged but keeps its own derivation (an audit of the signed ledger)', async (t) => {
  const a = await createNode(t, {}, doubleApply)
  await a.submit({ type: 'put', key: 'before', value: 1 })
  await a.submit({ type: 'put', key: MARKER, value: 2 })
  await a.submit({ type: 'put', key: 'after', value: 3 })
  const c = await createNode(t, { key: a.key, fastForward: false })
  const raised = next(c, 'alarm')
  link(a, c)
  const event = await raised
  t.is(event.name, 'diverged')
  await c.update()
  const alarm = c.alarms.diverged
  t.is(alarm?.followed, false, 'it does not jump to the signed state')
  t.ok(
    c.finalLength <= (alarm?.position ?? 0),
    'its final length stays where its own derivation parted'
  )
  t.not((await c.head()).hash, (await a.head()).hash)
})

test('alarms - stalled while a peer is final ahead and this node cannot apply, cleared once it can', async (t) => {
  const a = await createNode(t)
  const b = await createNode(
    t,
    { key: a.key, stalledAfter: 1000 },
    (opts) => new HeldApplyNode(opts)
  )
  t.teardown(() => b.release(), { order: -2 }) // before anything closes: a held apply blocks close
  link(a, b)
  await a.submit({ type: 'put', key: 'x', value: 1 })
  await converged([a, b], { final: true, length: 2 })
  t.alike(b.alarms, { diverged: null, stalled: null }, 'a node keeping up raises nothing')

  b.hold()
  const raised = next(b, 'alarm')
  const started = Date.now()
  await a.submit({ type: 'put', key: 'y', value: 2 })
  const event = await raised
  t.is(event.name, 'stalled')
  t.ok(Date.now() - started >= 1000, 'not before stalledAfter')
  if (event.name === 'stalled') {
    t.is(event.alarm.finalLength, 2)
    t.is(event.alarm.peerFinalLength, a.finalLength)
  }
  t.is((await b.status()).stalled?.finalLength, 2)

  const dir = await tmpdir(t)
  await serveAsDaemon(t, b, dir)
  const check = await cli(['status', '--check', '--dir', dir])
  t.is(check.code, exitStatusOf('ALARM'))
  t.ok(
    /^autoledger: ALARM: STALLED: final length 2 for \d+ s while a peer is final at 3$/m.test(
      check.stderr
    ),
    check.stderr
  )

  const cleared = next(b, 'alarm-cleared')
  b.release()
  t.is(await cleared, 'stalled')
  await converged([a, b], { final: true, length: 3 })
  t.is((await b.status()).stalled, null)
  t.is((await cli(['status', '--check', '--dir', dir])).code, 0)
})

test('alarms - the daemon logs diverged as one error line with both heads and the first differing position', async (t) => {
  const [a, b] = await pair(t, doubleApply, plain)
  const stream = new PassThrough()
  let text = ''
  stream.on('data', (d: Buffer) => {
    text += d.toString()
  })
  logAlarms(b, new Logger({ json: true, stream: stream as unknown as NodeJS.WriteStream }))
  const raised = next(b, 'alarm')
  await writeAround(a, b)
  const event = await raised
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  t.is(lines.length, 1)
  t.is(lines[0].level, 'error')
  t.is(lines[0].event, 'diverged')
  if (event.name === 'diverged') {
    t.is(lines[0].position, event.alarm.position)
    t.is(lines[0].head, event.alarm.head)
    t.is(lines[0].signedHead, event.alarm.signedHead)
  }
})
