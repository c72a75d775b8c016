import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import b4a from 'b4a'
import { LedgerNode, newEncryptionKey, verifyEntryProof } from '../lib/index.js'
import type { Status } from '../lib/index.js'
import { converged, createNode, link } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { loopbackTestnet, outsideStore, LOOPBACK } from './helpers/loopback.js'
import type { LoopbackTestnet } from './helpers/loopback.js'
import { until, untilWritable } from './helpers/wait.js'
import { cli } from './helpers/cli.js'
import { startBootstrap, startDaemon } from './helpers/daemon.js'
import { DoubleApplyNode } from './helpers/skewed-apply.js'
import { STEP_TIMEOUT_MS } from './helpers/timeouts.js'
import { countFastForwards, writeUntil } from './helpers/system-blocks.js'

/** Strings only the writer's transactions hold: an account name, a record key, its value, a memo. */
const WRITTEN = ['acct-0f5e9c2b7d41', 'rec-7f3a1e8b92c4', 'value-93c1d7a2e6f0', 'memo-5d2e8b1f4a97']

/**
 * One node writes the values of WRITTEN on a ledger (private with a key) over a loopback swarm. It
 * replicates with any peer (no secret gate), so that a reader without the key gets every block.
 */
async function writeValues(
  t: test.Test,
  testnet: LoopbackTestnet,
  encryptionKey: Buffer | null
): Promise<LedgerNode> {
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const node = await createNode(t, { network, encryptionKey, requireSecret: false })
  const [account, record, value, memo] = WRITTEN
  const me = node.writerKey.toString('hex')
  await node.submit([
    { type: 'open-account', account },
    { type: 'put', key: record, value: { note: value } },
    { type: 'mint', account: me, amount: 100n }
  ])
  const last = await node.submit({ type: 'transfer', from: me, to: account, amount: 7n, memo })
  await node.waitForTransaction(last.id, { final: true })
  return node
}

/**
 * What a reader built from hypercore, corestore and hyperswarm alone gets of a ledger: it knows the
 * ledger key (the writer's log: the node is the ledger's creator) and the keys of the cores a
 * peer asks for on the wire (the views and the system core), downloads every block the node holds
 * of them, and returns the blocks as stored.
 */
async function plainRead(
  t: test.Test,
  testnet: LoopbackTestnet,
  node: LedgerNode
): Promise<Buffer[]> {
  const status = await node.status()
  const keys: Buffer[] = [
    node.key,
    Buffer.from(status.logKey, 'hex'),
    Buffer.from(status.viewKey, 'hex'),
    node.base.core.key
  ]
  const lengths = await Promise.all(keys.map((key) => heldLength(node, key)))

  const { store, swarm } = await outsideStore(t, testnet)
  const cores = keys.map((key) => store.get({ key }))
  await Promise.all(cores.map((core) => core.ready()))
  swarm.join(node.discoveryKey, { server: false, client: true })
  const blocks: Buffer[] = []
  for (const [i, core] of cores.entries()) {
    await until(
      async () => (await core.update({ wait: true }), core.length >= lengths[i] ? true : null),
      `the reader to see core ${i} at length ${lengths[i]}`
    )
    await core.download({ start: 0, end: lengths[i] }).done()
    for (let index = 0; index < lengths[i]; index++)
      blocks.push((await core.get(index, { wait: false })) as Buffer)
  }
  return blocks
}

/** How many blocks the node's store holds of a core (a view's signed session). */
async function heldLength(node: LedgerNode, key: Buffer): Promise<number> {
  const core = node.base.store.get({ key, active: false })
  await core.ready()
  const length = core.length
  await core.close()
  return length
}

function found(blocks: Buffer[]): string[] {
  return WRITTEN.filter((s) => blocks.some((block) => block.includes(s)))
}

test('private - a plain reader with the ledger and core keys downloads every block of a private ledger and finds no written value; on a plain ledger it finds them all', async (t) => {
  const testnet = await loopbackTestnet(t)

  const open = await writeValues(t, testnet, null)
  const openBlocks = await plainRead(t, testnet, open)
  t.alike(found(openBlocks), WRITTEN, 'control: the reader finds every value of a plain ledger')

  const secret = await writeValues(t, testnet, newEncryptionKey())
  t.ok(secret.encrypted)
  const blocks = await plainRead(t, testnet, secret)
  t.ok(
    blocks.length > secret.length && blocks.every((b) => b !== null && b.byteLength > 0),
    `it downloaded ${blocks.length} blocks, more than the ${secret.length} entries`
  )
  t.alike(found(blocks), [], 'no written value in any block of the private ledger')
})

test('private - two nodes with the key replicate to the same head; verify and entry proofs work with the key; a node without it reads nothing', async (t) => {
  const encryptionKey = newEncryptionKey()
  const a = await createNode(t, { encryptionKey })
  const b = await createNode(t, { key: a.key, encryptionKey: encryptionKey.toString('hex') })
  const cuts = [link(a, b)]
  t.teardown(() => cuts.forEach((cut) => cut()))
  await a.submit({ type: 'add-writer', key: b.writerKey, indexer: true })
  await untilWritable(b)
  await b.submit({ type: 'put', key: WRITTEN[1], value: WRITTEN[2] })
  const head = await converged([a, b], { final: true, length: 3 })
  t.ok(b.encrypted && b4a.equals(b.encryptionKey!, encryptionKey), 'the joiner holds the key')
  t.is((await b.status()).head, head)
  t.is((await a.get(WRITTEN[1]))?.value, WRITTEN[2])

  const report = await b.verify()
  t.is(report.result, 'identical', 'verify derives the same private ledger from the writer logs')

  const proof = await b.proveEntry(2)
  const verified = verifyEntryProof(a.key, proof, {
    indexers: [a.writerKey, b.writerKey],
    encryptionKey
  })
  t.is(verified.entry.tx?.type, 'put')
  t.absent(Buffer.from(proof).includes(WRITTEN[2]), 'the proof holds the entry encrypted')
  t.exception(
    () => verifyEntryProof(a.key, proof, { indexers: [a.writerKey, b.writerKey] }),
    /needs its encryption key/,
    'without the key the proof does not check'
  )
  t.exception(
    () =>
      verifyEntryProof(a.key, proof, {
        indexers: [a.writerKey, b.writerKey],
        encryptionKey: newEncryptionKey()
      }),
    /with this encryption key/,
    'nor with another key'
  )

  // A node that joins without the key replicates the writer logs and applies none of it.
  const c = await createNode(t, { key: a.key })
  cuts.push(link(a, c))
  const aLog = await c.base.store.get({ key: a.key, active: false })
  await aLog.ready()
  t.teardown(() => aLog.close())
  await until(
    async () => (await aLog.update({ wait: true }), aLog.length >= a.base.local.length || null),
    "the keyless node to fetch the creator's log"
  )
  await c.update()
  t.is(c.length, 0, 'it holds the blocks and reads no entry')
  t.is(c.encrypted, false)
})

test('private - a fresh follower with the key fast-forwards to the signed state of a private ledger, to the same final head', async (t) => {
  const encryptionKey = newEncryptionKey()
  const a = await createNode(t, { encryptionKey })
  await writeUntil(a, 800) // past the catch-up threshold (see fast-forward.test.ts)
  const b = await createNode(t, { key: a.key, encryptionKey })
  const jumps = countFastForwards(b)
  link(a, b)
  const hash = await converged([a, b], { final: true, length: a.length })
  t.ok(jumps.count >= 1, `the follower fast-forwarded (${jumps.count})`)
  t.is((await b.head()).hash, hash)
  const last = (await a.entry(a.length - 1))?.tx
  const key = last?.type === 'put' ? last.key : ''
  t.alike(await b.get(key), await a.get(key), 'it reads the last record')
  t.ok((await b.get(key)) !== null)
})

test('private - a writer whose indexer signed a different private ledger raises diverged (it reads the signed view decrypted) and follows it', async (t) => {
  const encryptionKey = newEncryptionKey()
  const marker = 'applied-twice'
  const a = await createNode(t, { encryptionKey }, (o) => new DoubleApplyNode(o, marker))
  const b = await createNode(t, { key: a.key, encryptionKey })
  link(a, b)
  await a.submit({ type: 'add-writer', key: b.writerKey, role: 'writer' })
  await untilWritable(b)
  const raised = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no alarm')), STEP_TIMEOUT_MS)
    b.once('alarm', (event) => {
      clearTimeout(timer)
      resolve(event)
    })
  })
  await b.submit({ type: 'put', key: 'before', value: 1 })
  await a.submit({ type: 'put', key: marker, value: 2 })
  await b.submit({ type: 'put', key: 'after', value: 3 })
  t.is(((await raised) as { name: string }).name, 'diverged')
  const head = await converged([a, b], { final: true, allowDiverged: true })
  t.is((await b.status()).finalHead, head, "b follows the indexer's signed ledger")
})

test('private - the store keeps its key: reopening needs none; another key, or a key for a plain ledger, is refused; status says private and holds no key', async (t) => {
  const encryptionKey = newEncryptionKey()
  const dir = await tmpdir(t)
  const a = new LedgerNode({ storage: dir, encryptionKey })
  await a.ready()
  const r = await a.submit({ type: 'put', key: 'k', value: 'v' })
  await a.waitForTransaction(r.id, { final: true })
  const status = await a.status()
  t.is(status.private, true)
  t.absent(JSON.stringify(status).includes(encryptionKey.toString('hex')), 'no key in status')
  await a.close()

  const again = new LedgerNode({ storage: dir })
  await again.ready()
  t.ok(again.encrypted, 'reopened without the key, from the store')
  t.is((await again.get('k'))?.value, 'v')
  await again.close()

  await t.exception(
    new LedgerNode({ storage: dir, encryptionKey: newEncryptionKey() }).ready(),
    /encrypted with another key/
  )
  const plainDir = await tmpdir(t)
  const plain = new LedgerNode({ storage: plainDir })
  await plain.ready()
  t.is((await plain.status()).private, false)
  await plain.close()
  await t.exception(
    new LedgerNode({ storage: plainDir, encryptionKey }).ready(),
    /cannot become private/
  )
  await t.exception(new LedgerNode({ storage: plainDir, encryptionKey: 'abc' }).ready(), /32 bytes/)
})

test('private - CLI: init --private writes a 0600 key file it never prints; status says private; join --secret-file copies the key; a daemon logs no key; a looser mode is tightened; a bad or missing key file is BAD_CONFIG', async (t) => {
  const bootstrap = await startBootstrap(t)
  const root = await tmpdir(t)
  const [a, b] = [path.join(root, 'a'), path.join(root, 'b')]
  const outputs: string[] = []
  const run = async (args: string[]): Promise<Awaited<ReturnType<typeof cli>>> => {
    const r = await cli(args)
    outputs.push(r.stdout, r.stderr)
    return r
  }

  const init = (await run(['init', '--private', '--json', '--dir', a, '--bootstrap', bootstrap]))
    .lines[0] as { key: string; private: boolean }
  t.is(init.private, true)
  const secretFile = path.join(a, 'secret')
  const secret = (await fs.readFile(secretFile, 'utf8')).trim()
  t.ok(/^[0-9a-f]{64}$/.test(secret), 'the key file holds the key as hex')
  t.is((await fs.stat(secretFile)).mode & 0o777, 0o600, 'mode 0600')
  t.is(JSON.parse(await fs.readFile(path.join(a, 'config.json'), 'utf8')).private, true)
  t.ok(/^private\s+yes$/m.test((await run(['status', '--dir', a])).stdout), 'status: private yes')

  const join = await run(['join', init.key, '--dir', b, '--secret-file', secretFile])
  t.ok(/^private\s+yes/m.test(join.stdout), 'join says private yes')
  t.is((await fs.readFile(path.join(b, 'secret'), 'utf8')).trim(), secret, 'the key is copied')
  t.is((await fs.stat(path.join(b, 'secret'))).mode & 0o777, 0o600)

  const daemon = await startDaemon(t, a)
  const status = (await run(['status', '--json', '--dir', a])).lines[0] as { private: boolean }
  t.is(status.private, true, 'status through the daemon')
  t.is((await run(['put', WRITTEN[1], WRITTEN[2], '--dir', a])).code, 0)
  const proofFile = path.join(root, 'proof')
  t.is((await run(['prove', '1', '--out', proofFile, '--dir', a])).code, 0)
  const keyless = await run(['verify-proof', proofFile, '--ledger', init.key])
  t.ok(/PROOF_INVALID: .*needs its encryption key/.test(keyless.stderr), keyless.stderr)
  const checked = await run([
    'verify-proof',
    proofFile,
    '--ledger',
    init.key,
    '--secret-file',
    secretFile
  ])
  t.ok(
    checked.code === 0 && checked.stdout.includes(WRITTEN[2]),
    'verify-proof --secret-file shows the entry'
  )
  const metrics = await (await fetch(`${daemon.url}/metrics`)).text()
  t.ok(metrics.includes('autoledger_'), 'metrics served')
  outputs.push(metrics)
  await daemon.proc.stop()
  outputs.push(...daemon.proc.stdoutLines, ...daemon.proc.stderrLines)
  t.ok(daemon.proc.stderrLines.length + daemon.proc.stdoutLines.length > 2, 'the daemon logged')

  await fs.chmod(path.join(b, 'secret'), 0o644)
  t.is((await run(['status', '--dir', b])).code, 0)
  t.is((await fs.stat(path.join(b, 'secret'))).mode & 0o777, 0o600, 'a looser mode is tightened')

  await fs.writeFile(path.join(b, 'secret'), 'not-a-key-0123456789\n')
  const bad = await run(['status', '--dir', b])
  t.is(bad.code, 1)
  t.ok(/^autoledger: BAD_CONFIG: .*does not hold an encryption key/.test(bad.stderr), bad.stderr)
  t.absent(bad.stderr.includes('not-a-key'), 'the message does not quote the file')
  await fs.rm(path.join(b, 'secret'))
  const missing = await run(['status', '--dir', b])
  t.ok(/^autoledger: BAD_CONFIG: .*secret does not exist/.test(missing.stderr), missing.stderr)
  t.is(missing.stderr.trim().split('\n').length, 1, 'one line')

  t.absent(
    outputs.some((o) => o.includes(secret)),
    'the key is in no output, status, metrics or daemon log line'
  )
})

test('private - two daemons in their own processes replicate a private ledger over hyperswarm to the same final head', async (t) => {
  const bootstrap = await startBootstrap(t)
  const root = await tmpdir(t)
  const [a, b] = [path.join(root, 'a'), path.join(root, 'b')]
  const status = async (dir: string): Promise<Status> =>
    (await cli(['status', '--json', '--dir', dir])).lines[0] as Status
  const { key } = (await cli(['init', '--private', '--json', '--dir', a, '--bootstrap', bootstrap]))
    .lines[0] as { key: string }
  const joined = await cli([
    'join',
    key,
    '--json',
    '--dir',
    b,
    '--bootstrap',
    bootstrap,
    '--secret-file',
    path.join(a, 'secret')
  ])
  const { writerKey } = joined.lines[0] as { writerKey: string }
  await startDaemon(t, a)
  await startDaemon(t, b)
  t.is((await cli(['add-writer', writerKey, '--dir', a])).code, 0)
  await until(async () => ((await status(b)).writable ? true : null), 'b to become writable')
  t.is((await cli(['put', WRITTEN[1], WRITTEN[2], '--dir', b])).code, 0)
  const [sa, sb] = await until(async () => {
    const both = await Promise.all([status(a), status(b)])
    return both.every((s) => s.finalLength === 3 && s.private) &&
      both[0].finalHead === both[1].finalHead
      ? both
      : null
  }, 'both daemons to be final at length 3 with the same head')
  t.is(sa.finalHead, sb.finalHead, 'the same final head hash')
  const got = await cli(['get', WRITTEN[1], '--json', '--dir', a])
  t.ok(got.stdout.includes(WRITTEN[2]), "a reads b's record")
})

test('private - with the secret gate (the default), the same plain reader is dropped at once and gets no block', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const node = await createNode(t, { network, encryptionKey: newEncryptionKey() })
  await node.submit({ type: 'put', key: WRITTEN[1], value: WRITTEN[2] })
  const { store, swarm } = await outsideStore(t, testnet)
  const log = store.get({ key: node.key })
  await log.ready()
  const dropped = new Promise<void>((resolve) =>
    swarm.once('connection', (conn: { once(e: string, f: () => void): void }) =>
      conn.once('close', () => resolve())
    )
  )
  swarm.join(node.discoveryKey, { server: false, client: true })
  await dropped
  t.is(log.length, 0, 'the reader got no block of the writer log')
  t.is(node.peers, 0, 'and the node does not count it as a peer')
})
