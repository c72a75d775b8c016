import test from 'brittle'
import b4a from 'b4a'
import fs from 'fs/promises'
import path from 'path'
import c from 'compact-encoding'
import crypto from 'hypercore-crypto'
import Corestore from 'corestore'
import Autobase from 'autobase'
import Protomux from 'protomux'
import type Hypercore from 'hypercore'
import type Hyperswarm from 'hyperswarm'
import { LedgerNetwork } from '../lib/net/network.js'
import type { LedgerNetworkOptions } from '../lib/net/network.js'
import { STRANGER_WINDOW_MS, checkSecret, peerProof } from '../lib/net/peer-proof.js'
import { codeOf } from '../lib/errors.js'
import { toHex } from '../lib/ledger/ids.js'
import { LOOPBACK, loopbackTestnet } from './helpers/loopback.js'
import { createNode, converged } from './helpers/nodes.js'
import type { LoopbackTestnet } from './helpers/loopback.js'
import { tmpdir } from './helpers/temp.js'
import { until, within } from './helpers/wait.js'
import { STEP_TIMEOUT_MS } from './helpers/timeouts.js'
import { cli, cliJson } from './helpers/cli.js'
import { ledgerDir, startDaemon } from './helpers/daemon.js'

/** A connection as the other side saw it: when it opened and, once it closed, how long it lasted. */
interface Seen {
  opened: number
  lasted: number | null
}

/** A plain autobase (its view: every block appended in order) on the swarm through LedgerNetwork. */
interface Peer {
  base: Autobase<Hypercore>
  net: LedgerNetwork
  swarmKey: string
  /** Connections this peer's swarm made, by the other side's swarm key (the latest one per key). */
  seen: Map<string, Seen>
}

type GateOptions = Partial<
  Pick<LedgerNetworkOptions, 'secret' | 'allow' | 'admitStranger' | 'strangerWindow'>
>

async function peer(
  t: test.Test,
  testnet: LoopbackTestnet,
  key: Buffer | null,
  gate: GateOptions = {},
  keyPair = crypto.keyPair()
): Promise<Peer> {
  const store = new Corestore(await tmpdir(t))
  const base = new Autobase<Hypercore>(store.namespace('gate'), key, {
    open: (s) => s.get({ name: 'view' }),
    apply: async (nodes, view) => {
      for (const node of nodes) if (node.value !== null) await view.append(node.value)
    },
    ackInterval: 50
  })
  await base.ready()
  const net = new LedgerNetwork({
    base: base as Autobase<unknown>,
    network: { dht: testnet.createNode() },
    keyPair,
    blocked: [],
    onPeers: () => {},
    ...gate
  })
  const seen = new Map<string, Seen>()
  net.swarm.on('connection', (conn: Hyperswarm.Connection) => {
    const entry: Seen = { opened: Date.now(), lasted: null }
    seen.set(toHex(conn.remotePublicKey), entry)
    conn.once('close', () => (entry.lasted = Date.now() - entry.opened))
  })
  t.teardown(async () => {
    await net.close()
    await base.close()
    await store.close()
  })
  net.join()
  return { base, net, swarmKey: toHex(keyPair.publicKey), seen }
}

/** The ledger blocks a joining peer holds: of the creator's writer core, and of its view. */
async function blocksHeld(joiner: Peer, creator: Peer): Promise<number> {
  const core = joiner.base.store.get({ key: creator.base.key })
  await core.ready()
  const held = core.contiguousLength + joiner.base.view.length
  await core.close()
  return held
}

async function sameView(a: Peer, b: Peer, length: number): Promise<string | null> {
  await b.base.update()
  if (a.base.view.length !== length || b.base.view.length !== length) return null
  const [x, y] = await Promise.all([a.base.view.treeHash(), b.base.view.treeHash()])
  return b4a.equals(x, y) ? toHex(x) : null
}

/** Wait until `by` saw a connection from `from` that closed; how long it lasted. */
function closedConnection(by: Peer, from: Peer, what: string): Promise<number> {
  return until(async () => by.seen.get(from.swarmKey)?.lasted ?? null, what)
}

test('peer gate - the proof binds the secret, the connection and the sender', (t) => {
  const secret = crypto.randomBytes(32)
  const hash = crypto.randomBytes(32)
  const [a, b] = [crypto.randomBytes(32), crypto.randomBytes(32)]
  const proof = peerProof(secret, hash, a)
  t.alike(peerProof(secret, hash, a), proof, 'deterministic')
  t.unlike(peerProof(crypto.randomBytes(32), hash, a), proof, 'another secret')
  t.unlike(peerProof(secret, crypto.randomBytes(32), a), proof, 'another connection')
  t.unlike(peerProof(secret, hash, b), proof, 'another sender: a reflected proof fails')
  for (const size of [8, 65]) {
    let code = 'none'
    try {
      checkSecret(crypto.randomBytes(size))
    } catch (err) {
      code = codeOf(err)
    }
    t.is(code, 'INVALID_ARGUMENT', `a ${size}-byte secret is refused`)
  }
})

test('peer gate - the same secret replicates (same head); another secret and none get no block and are dropped', async (t) => {
  const testnet = await loopbackTestnet(t)
  const secret = crypto.randomBytes(32)
  const a = await peer(t, testnet, null, { secret })
  await a.base.append([b4a.from('one'), b4a.from('two'), b4a.from('three')])
  const b = await peer(t, testnet, a.base.key, { secret })
  const wrong = await peer(t, testnet, a.base.key, { secret: crypto.randomBytes(32) })
  const none = await peer(t, testnet, a.base.key)

  const head = await until(() => sameView(a, b, 3), 'b to replicate the view')
  t.is(head.length, 64, 'same head hash on both')
  const wrongLasted = await closedConnection(a, wrong, 'the wrong secret to be dropped')
  t.ok(wrongLasted < STRANGER_WINDOW_MS, `a wrong proof: dropped at once (${wrongLasted} ms)`)
  const noneLasted = await closedConnection(a, none, 'the peer without a secret to be dropped')
  t.ok(
    noneLasted < STRANGER_WINDOW_MS,
    `no proof channel: dropped at once, as it refuses the channel (${noneLasted} ms)`
  )
  t.is(await blocksHeld(wrong, a), 0, 'the wrong secret got no block')
  t.is(await blocksHeld(none, a), 0, 'no secret: no block')
  t.alike(a.net.peerKeys(), [b.swarmKey], 'only the peer with the secret counts as a peer')
})

test('peer gate - admitStranger keeps a failed peer connected, without replication, for the window: another protocol runs over it', async (t) => {
  const testnet = await loopbackTestnet(t)
  const window = 1500
  const gate = (): GateOptions => ({
    secret: crypto.randomBytes(32),
    admitStranger: () => true,
    strangerWindow: window
  })
  const a = await peer(t, testnet, null, gate())
  await a.base.append(b4a.from('one'))
  const stranger = await peer(t, testnet, a.base.key, gate())
  const greeted: string[] = []
  for (const p of [a, stranger]) {
    p.net.swarm.on('connection', (conn: Hyperswarm.Connection) => {
      const channel = Protomux.from(conn).createChannel({
        protocol: 'test/pairing',
        handshake: c.string,
        onopen: (hello) => greeted.push(String(hello))
      })
      channel?.open(`hello from ${p === a ? 'a' : 'the stranger'}`)
    })
  }
  const lasted = await closedConnection(a, stranger, 'the stranger window to end')
  t.ok(lasted >= window - 50, `open for the window (${lasted} ms)`) // the two timers start a moment apart
  t.alike(greeted.sort(), ['hello from a', 'hello from the stranger'], 'the other protocol ran')
  t.is(await blocksHeld(stranger, a), 0, 'still no block')
  t.is(a.net.peers, 0, 'a stranger is not a peer')
})

test('peer gate - an allowlist: a listed peer connects, an unlisted one does not until allowed; disallow drops it', async (t) => {
  const testnet = await loopbackTestnet(t)
  const listedPair = crypto.keyPair()
  const a = await peer(t, testnet, null, { allow: [toHex(listedPair.publicKey)] })
  await a.base.append(b4a.from('one'))
  const listed = await peer(t, testnet, a.base.key, {}, listedPair)
  const unlisted = await peer(t, testnet, a.base.key)

  await until(() => sameView(a, listed, 1), 'the listed peer to replicate')
  await Promise.all([a.net.flushed(), unlisted.net.flushed()])
  t.absent(a.seen.has(unlisted.swarmKey), 'no connection with the unlisted peer')
  t.alike(a.net.allowed(), [listed.swarmKey])

  await a.net.allow(unlisted.swarmKey)
  await until(
    async () => (a.net.peerKeys().includes(unlisted.swarmKey) ? true : null),
    'the newly allowed peer to connect'
  )
  await a.net.disallow(listed.swarmKey)
  t.alike(a.net.peerKeys(), [unlisted.swarmKey], 'the disallowed peer is dropped')
  t.alike(a.net.allowed(), [unlisted.swarmKey])
})

test('peer gate - peers --allow / --disallow on a running daemon: listed, saved in config.json; run --allow replaces the list', async (t) => {
  const dir = await ledgerDir(t)
  const saved = async (): Promise<unknown> =>
    JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')).allow
  t.is(await saved(), null, 'a new node lets any peer in')
  const [x, y] = ['ab'.repeat(32), 'cd'.repeat(32)]
  const first = await startDaemon(t, dir)
  await cliJson(t, ['peers', '--allow', x, '--dir', dir])
  const listed = await cliJson<{ allowed: string[] }>(t, ['peers', '--allow', y, '--dir', dir])
  t.alike(listed.allowed, [x, y], 'both on the list')
  const human = await cli(['peers', '--dir', dir])
  t.ok(new RegExp(`^allowed\\s+${x}$`, 'm').test(human.stdout), 'peers lists the allowlist')
  await cliJson(t, ['peers', '--disallow', x, '--dir', dir])
  t.alike(await saved(), [y], 'saved in config.json')
  const both = await cli(['peers', '--allow', x, '--block', x, '--dir', dir])
  t.is(both.code, 2, 'one action at a time')
  await first.proc.stop()

  await startDaemon(t, dir, ['--allow', `${x},${y}`])
  t.alike(
    (await cliJson<{ allowed: string[] }>(t, ['peers', '--dir', dir])).allowed,
    [x, y],
    'run --allow replaced the saved list'
  )
})

test('peer gate - a LedgerNode proves its encryptionKey: nodes that hold it replicate, one without it is never a peer', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const encryptionKey = crypto.randomBytes(32)
  const a = await createNode(t, { network, encryptionKey })
  await a.submit({ type: 'put', key: 'k', value: 1 })
  const b = await createNode(t, { key: a.key, network, encryptionKey })
  const outsider = await createNode(t, { key: a.key, network })
  // Registered before any I/O runs: the outsider's lookup has not even started.
  const dropped = new Promise((resolve) => outsider.once('peer-remove', resolve))
  const head = await converged([a, b], { length: 2 })
  t.is(head.length, 64, 'the two with the key reach one head')
  await within(dropped, STEP_TIMEOUT_MS, 'the outsider to be dropped')
  t.is(outsider.length, 0, 'the node without the key has no entry')
  t.alike(a.peerList().connected, [toHex(b.swarmKey!)], 'and is not a peer')
})
