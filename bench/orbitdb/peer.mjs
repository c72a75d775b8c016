// An OrbitDB peer for the autoledger bench: forked by the runner with an IPC channel, like the
// other bench peers, and driven by the same request/reply messages.
//
// libp2p is set up for loopback only: TCP listening on 127.0.0.1, no bootstrap list, no peer
// discovery, no relay, no routers, a connection gater that refuses any address off 127.0.0.1;
// peers are dialled by address by the runner. Helia is composed by hand (bitswap over libp2p only)
// instead of createHelia(), whose defaults add HTTP gateways and delegated routing.

// OrbitDB 4 declares Node >= 22; on Node 20 it needs this one polyfill.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject
    const promise = new Promise((res, rej) => {
      resolve = res
      reject = rej
    })
    return { promise, resolve, reject }
  }
}

// libp2p and OrbitDB add many abort listeners per signal; the default limit of 10 only prints warnings.
const { setMaxListeners } = await import('events')
setMaxListeners(Infinity)

const { createLibp2p } = await import('libp2p')
const { tcp } = await import('@libp2p/tcp')
const { noise } = await import('@chainsafe/libp2p-noise')
const { yamux } = await import('@chainsafe/libp2p-yamux')
const { identify } = await import('@libp2p/identify')
const { gossipsub } = await import('@libp2p/gossipsub')
const { Helia } = await import('@helia/utils')
const { bitswap } = await import('@helia/block-brokers')
const { MemoryBlockstore } = await import('blockstore-core')
const { MemoryDatastore } = await import('datastore-core')
const { createOrbitDB, IPFSAccessController } = await import('@orbitdb/core')
const { multiaddr } = await import('@multiformats/multiaddr')

const LOOPBACK = '/ip4/127.0.0.1/'
const now = () => Number(process.hrtime.bigint()) / 1e6

let helia = null
let orbitdb = null
let db = null
let values = []
const seen = new Set()
const waiters = new Set()

function onUpdate(entry) {
  seen.add(entry.hash)
  for (const w of waiters) w()
}

const methods = {
  async open({ dir }) {
    const libp2p = await createLibp2p({
      addresses: { listen: [LOOPBACK + 'tcp/0'] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      peerDiscovery: [],
      connectionGater: {
        denyDialMultiaddr: (ma) => !ma.toString().startsWith(LOOPBACK)
      },
      services: {
        identify: identify(),
        pubsub: gossipsub({ allowPublishToZeroTopicPeers: true })
      }
    })
    helia = new Helia({
      libp2p,
      blockstore: new MemoryBlockstore(),
      datastore: new MemoryDatastore(),
      blockBrokers: [bitswap()],
      routers: []
    })
    await helia.start()
    orbitdb = await createOrbitDB({ ipfs: helia, directory: dir })
    return {
      addrs: libp2p
        .getMultiaddrs()
        .map(String)
        .filter((a) => a.startsWith(LOOPBACK))
    }
  },

  async dial({ addrs }) {
    for (const a of addrs) await helia.libp2p.dial(multiaddr(a))
  },

  async openDb({ address }) {
    db = await orbitdb.open(address ?? 'autoledger-bench', {
      type: 'events',
      AccessController: IPFSAccessController({ write: ['*'] })
    })
    db.events.on('update', onUpdate)
    return { address: db.address.toString() }
  },

  /** Wait until gossipsub knows `count` other peers subscribed to the database's topic. */
  async waitSubscribers({ count, timeoutMs }) {
    const deadline = now() + timeoutMs
    const topic = db.address.toString()
    while (helia.libp2p.services.pubsub.getSubscribers(topic).length < count) {
      if (now() > deadline)
        throw new Error(
          `only ${helia.libp2p.services.pubsub.getSubscribers(topic).length} of ${count} subscribers`
        )
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
  },

  async prepare(p) {
    values = p.values
    return { count: values.length }
  },

  async run() {
    const firstSubmitAt = now()
    for (const v of values) await db.add(v)
    return { firstSubmitAt, lastAcceptedAt: now() }
  },

  async waitCount({ count, timeoutMs }) {
    const at = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`timed out with ${seen.size} of ${count} entries`))
      }, timeoutMs)
      function check() {
        if (seen.size < count) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve(now())
      }
      waiters.add(check)
      check()
    })
    const heads = (await db.log.heads()).map((h) => h.hash).sort()
    const all = await db.all()
    return { at, entries: all.length, heads }
  },

  async stats() {
    const memory = process.memoryUsage()
    return {
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      udxBytesReceived: 0,
      udxBytesSent: 0,
      heapUsedBytes: memory.heapUsed,
      externalBytes: memory.external
    }
  },

  async shutdown() {
    if (db !== null) await db.close()
    if (orbitdb !== null) await orbitdb.stop()
    if (helia !== null) await helia.stop()
    db = orbitdb = helia = null
  }
}

async function handle(req) {
  let reply
  try {
    const method = methods[req.method]
    if (method === undefined) throw new Error(`orbitdb peer has no method ${req.method}`)
    reply = { id: req.id, ok: true, result: await method(req.params ?? {}) }
  } catch (err) {
    reply = {
      id: req.id,
      ok: false,
      error: { message: err?.message ?? String(err), stack: err?.stack }
    }
  }
  await new Promise((resolve) => process.send(reply, undefined, undefined, resolve))
  if (req.method === 'shutdown') process.exit(0)
}

process.on('message', (req) => {
  handle(req)
})
process.on('disconnect', () => process.exit(1))
