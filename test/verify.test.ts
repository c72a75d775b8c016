import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import crypto from 'hypercore-crypto'
import b4a from 'b4a'
import { LedgerNode } from '../lib/index.js'
import type Hypercore from 'hypercore'
import type { VerifyReport } from '../lib/node/verify.js'
import { dataPaths, newConfig, writeConfig } from '../lib/datadir/config.js'
import { createNode, link, converged } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { LOOPBACK, loopbackTestnet } from './helpers/loopback.js'
import { serveAsDaemon } from './helpers/in-process-daemon.js'
import type { MakeNode } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'
import { DoubleApplyNode, ExtraStateNode } from './helpers/skewed-apply.js'
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

test('verify - the views are byte for byte the same on every node and in a derivation from scratch, with 1 and 2 writers and after reorders: their tree hashes witness it', async (t) => {
  const a = await createNode(t)
  for (let i = 0; i < 10; i++) await a.submit({ type: 'put', key: `a${i}`, value: i })
  await sameViews(t, 'one writer', [a])
  const b = await createNode(t, { key: a.key })
  link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey, indexer: true })
  await untilWritable(b)
  const reorders = async (): Promise<number> =>
    (await a.status()).reorders + (await b.status()).reorders
  for (let i = 0; i < 100 && (i < 10 || (await reorders()) === 0); i++) {
    await Promise.all([
      a.submit({ type: 'put', key: `k${i % 7}`, value: i }),
      b.submit({ type: 'put', key: `k${i % 5}`, value: -i })
    ])
  }
  t.ok((await reorders()) > 0, `the nodes reordered (${await reorders()} times)`)
  await sameViews(t, 'two writers', [a, b])
  const report = await b.verify()
  t.ok(report.result === 'identical' && report.stateCompared, 'and verify finds them identical')
})

/** The nodes and a fresh node deriving their ledger from scratch (no fast-forward) hold the same views: equal tree hashes. */
async function sameViews(t: test.Test, what: string, nodes: LedgerNode[]): Promise<void> {
  const fresh = await createNode(t, { key: nodes[0].key, fastForward: false })
  const cuts = nodes.map((n) => link(fresh, n))
  await converged([...nodes, fresh], { final: true })
  for (const c of cuts) c()
  const views = async (n: LedgerNode): Promise<string[]> => {
    const log = n.base.view.log
    const state = n.base.view.state.core
    return [
      `log ${log.length} ${b4a.toString(await log.treeHash(log.length), 'hex')}`,
      `state ${state.length} ${b4a.toString(await state.treeHash(state.length), 'hex')}`
    ]
  }
  const all = await Promise.all([...nodes, fresh].map(views))
  for (const v of all.slice(1)) t.alike(v, all[0], `${what}: the same log and state trees`)
}

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

test('verify - a node whose state has a key the writer logs do not give: different, the first differing key with both sides', async (t) => {
  const a = await createNode(t, {}, (opts) => new ExtraStateNode(opts, '~extra'))
  for (let i = 0; i < 3; i++) await a.submit({ type: 'put', key: `k${i}`, value: i })
  await converged([a], { final: true })
  const report = await a.verify()
  t.is(report.result, 'different')
  t.is(report.stateCompared, true, 'the entries agree: the state was compared')
  t.alike(
    report.difference,
    {
      position: a.finalLength,
      what: 'the state differs',
      ours: `~extra = ${b4a.toString(b4a.from('extra'), 'hex')}`,
      derived: null
    },
    'the extra key, where the derivation has nothing more'
  )
})

/** Overwrite stored block `index` of a core, below hypercore: its tree still hashes the old bytes. */
async function damage(node: LedgerNode, core: Hypercore, index: number): Promise<void> {
  const session = node.base.store.get({ key: core.key, active: false })
  await session.ready()
  const bytes = b4a.from((await session.get(index)) as Buffer)
  bytes[bytes.byteLength >> 1] ^= 1
  const storage = session.state.storage as unknown as { write(): StorageTx }
  const tx = storage.write()
  tx.putBlock(index, bytes)
  await tx.flush()
  await session.close()
}

interface StorageTx {
  putBlock(index: number, bytes: Uint8Array): void
  flush(): Promise<void>
}

test('verify - stored blocks damaged on disk after they were appended (their trees unchanged): different, at the entry, or the state', async (t) => {
  const a = await createNode(t)
  for (let i = 0; i < 8; i++) await a.submit({ type: 'put', key: `k${i}`, value: i })
  await converged([a], { final: true, length: 9 })
  t.is((await a.verify()).result, 'identical', 'identical before')

  await damage(a, a.base.view.state.core, 2)
  const state = await a.verify()
  t.is(state.result, 'different', 'a damaged state block: different')
  t.ok(state.difference?.what.includes('stored state blocks'), state.difference?.what)

  const b = await createNode(t)
  for (let i = 0; i < 8; i++) await b.submit({ type: 'put', key: `k${i}`, value: i })
  await converged([b], { final: true, length: 9 })
  await damage(b, b.base.view.log, 5)
  const entry = await b.verify()
  t.is(entry.result, 'different', 'a damaged entry: different')
  t.is(entry.difference?.position, 5, 'at that entry')
  t.ok(entry.difference?.what.includes('stored entry'), entry.difference?.what)
})

test('verify - a copy that lacks writer blocks: incomplete, exit 1; through its daemon on the network a peer supplies them, and it is identical', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const a = await createNode(t, { network })
  for (let i = 0; i < 5; i++) await a.submit({ type: 'put', key: `k${i}`, value: i })
  const dir = path.join(await tmpdir(t), 'b')
  const paths = dataPaths(dir)
  await fs.mkdir(dir)
  await writeConfig(paths, newConfig(b4a.toString(a.key, 'hex'), { bootstrap: testnet.flag }))

  // b copies the ledger from a, then drops all but the first block of a's log: a sparse copy.
  const copy = new LedgerNode({ storage: paths.store, key: a.key })
  await copy.ready()
  const cut = link(a, copy)
  const head = await converged([a, copy], { final: true })
  cut()
  const log = copy.base.store.get({ key: a.writerKey })
  await log.ready()
  const needed = log.length
  await log.clear(1, needed)
  await log.close()
  const missing = [{ log: b4a.toString(a.writerKey, 'hex'), held: 1, needed }]
  const alone = await copy.verify()
  await copy.close()
  t.is(alone.result, 'incomplete', 'with no network: incomplete')
  t.alike(alone.missing, missing, "a's log: what it holds and what it needs")
  const direct = await cli(['verify', '--json', '--dir', dir])
  t.is(direct.code, 1, 'the command exits 1')
  t.is(exitStatusOf('VERIFY_INCOMPLETE'), 1)
  t.ok(
    /VERIFY_INCOMPLETE: this node does not hold writer/.test(direct.stderr),
    direct.stderr.trim()
  )
  t.alike((direct.lines[0] as VerifyReport).missing, missing, 'its report lists them')

  const b = await createNode(t, { storage: paths.store, key: a.key, network })
  await serveAsDaemon(t, b, dir)
  const fetched = await cli(['verify', '--json', '--dir', dir])
  t.is(fetched.code, 0, `through the daemon: exits 0 ${fetched.stderr}`)
  const report = fetched.lines[0] as VerifyReport
  const ours = await a.verify()
  t.is(report.result, 'identical', 'the blocks were fetched from a')
  t.alike(
    [report.length, report.head, report.stateCompared, report.missing],
    [ours.length, ours.head, ours.stateCompared, []],
    "the same report as a's own verify"
  )
  t.is(report.head, head, 'at the final head')
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
