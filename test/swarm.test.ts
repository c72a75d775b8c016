import test from 'brittle'
import Hyperbee from 'hyperbee'
import b4a from 'b4a'
import type { LedgerNode } from '../lib/index.js'
import { converged, createNode } from './helpers/nodes.js'
import { loopbackTestnet, outsideStore, LOOPBACK } from './helpers/loopback.js'
import { until, untilWritable } from './helpers/wait.js'

test('swarm - three nodes over hyperswarm on a loopback testnet converge, and a plain Hyperbee reads the signed view', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }

  const open = (key?: Buffer): Promise<LedgerNode> =>
    createNode(t, { key, network, ackInterval: 100 })
  const a = await open()
  const b = await open(a.key)
  const c = await open(a.key)
  const nodes = [a, b, c]
  await a.submit([
    { type: 'add-writer', key: b.writerKey, indexer: true },
    { type: 'add-writer', key: c.writerKey }
  ])
  await Promise.all([b, c].map((n) => untilWritable(n)))

  await Promise.all(
    nodes.map((n, i) =>
      Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          n.submit({ type: 'put', key: `n${i}-${j}`, value: { i, j } })
        )
      )
    )
  )
  const hash = await converged(nodes, { final: true, length: 63 })
  t.ok(
    nodes.every((n) => n.peers >= 2),
    'every node is connected to both others'
  )
  t.comment('head', hash)

  // A plain Hyperbee on another store, replicating over the same swarm, reads the signed view by key.
  const { store, swarm } = await outsideStore(t, testnet)
  const status = await a.status()
  const bee = new Hyperbee(store.get({ key: b4a.from(status.viewKey, 'hex') }), {
    keyEncoding: 'binary',
    valueEncoding: 'binary'
  })
  await bee.ready()
  swarm.join(a.discoveryKey, { server: false, client: true })
  const record = await until(
    () => bee.get(b4a.from('rec/n1-7')),
    'the plain reader to see a record'
  )
  t.ok(
    record !== null && b4a.toString(record.value!).includes('"j":7'),
    'the plain reader sees a record written over the swarm'
  )
})
