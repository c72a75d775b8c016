import test from 'brittle'
import createTestnet from 'hyperdht/testnet.js'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import Hyperswarm from 'hyperswarm'
import b4a from 'b4a'
import { LedgerNode } from '../lib/index.js'
import { tmpdir, converged } from './helpers/nodes.js'

test('swarm - three nodes over hyperswarm on a loopback testnet converge, and a plain Hyperbee reads the signed view', async t => {
  const testnet = await createTestnet(3, { host: '127.0.0.1', teardown: t.teardown })
  const network = { bootstrap: testnet.bootstrap, host: '127.0.0.1' }

  const open = async (key?: Buffer): Promise<LedgerNode> => {
    const node = new LedgerNode({ storage: await tmpdir(t), key, network, ackInterval: 100 })
    t.teardown(() => node.close())
    await node.ready()
    return node
  }
  const a = await open()
  const b = await open(a.key)
  const c = await open(a.key)
  const nodes = [a, b, c]
  await a.submit([{ type: 'add-writer', key: b.writerKey, indexer: true }, { type: 'add-writer', key: c.writerKey }])
  await Promise.all([b, c].map(n => n.waitUntil(async () => (n.writable ? true : null))))

  await Promise.all(nodes.map((n, i) => Promise.all(Array.from({ length: 20 }, (_, j) => n.submit({ type: 'put', key: `n${i}-${j}`, value: { i, j } })))))
  const hash = await converged(nodes, { final: true, length: 63 })
  t.ok(nodes.every(n => n.peers >= 2), 'every node is connected to both others')
  t.comment('head', hash)

  // A plain Hyperbee on another store, replicating over the same swarm, reads the signed view by key.
  const store = new Corestore(await tmpdir(t))
  const swarm = new Hyperswarm({ dht: testnet.createNode() })
  t.teardown(async () => { await swarm.destroy(); await store.close() })
  swarm.on('connection', (conn: Hyperswarm.Connection) => store.replicate(conn))
  const status = await a.status()
  const bee = new Hyperbee(store.get({ key: b4a.from(status.viewKey, 'hex') }), { keyEncoding: 'binary', valueEncoding: 'binary' })
  await bee.ready()
  swarm.join(a.discoveryKey, { server: false, client: true })
  const record = await waitFor(() => bee.get(b4a.from('rec/n1-7')))
  t.ok(record !== null && b4a.toString(record.value!).includes('"j":7'), 'the plain reader sees a record written over the swarm')
})

async function waitFor<T> (fn: () => Promise<T | null>, timeout = 30_000): Promise<T> {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await fn()
    if (value !== null) return value
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}
