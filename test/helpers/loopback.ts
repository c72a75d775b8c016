import createTestnet from 'hyperdht/testnet.js'
import Corestore from 'corestore'
import Hyperswarm from 'hyperswarm'
import type HyperDHT from 'hyperdht'
import type test from 'brittle'
import { createDht, formatBootstrap } from '../../lib/index.js'
import type { DhtAddress } from '../../lib/index.js'
import { tmpdir } from './temp.js'

/** Every DHT and swarm the tests and the bench make binds here and bootstraps only off this machine. */
export const LOOPBACK = '127.0.0.1'

/** A fresh private DHT of a few nodes on loopback, in this process. */
export interface LoopbackTestnet {
  /** Its bootstrap nodes, as a node's `network.bootstrap` takes them. */
  bootstrap: DhtAddress[]
  /** The same as `--bootstrap` takes it: `host:port,...`. */
  flag: string
  /** Another (ephemeral) DHT node on it. */
  createNode(): HyperDHT
  destroy(): Promise<void>
}

/** A loopback testnet; with a test, destroyed when the test ends (after everything on it). */
export async function loopbackTestnet(t?: test.Test): Promise<LoopbackTestnet> {
  const testnet = await createTestnet(3, { host: LOOPBACK })
  if (t !== undefined) t.teardown(() => testnet.destroy(), { order: Infinity })
  return {
    bootstrap: testnet.bootstrap,
    flag: formatBootstrap(testnet.bootstrap),
    createNode: () => testnet.createNode(),
    destroy: () => testnet.destroy()
  }
}

/** A DHT node of this process on loopback, bootstrapping off `bootstrap` only; `reachable` for a node peers dial directly. */
export function loopbackDht(
  bootstrap: DhtAddress[],
  { reachable = false }: { reachable?: boolean } = {}
): HyperDHT {
  return createDht({ bootstrap, host: LOOPBACK, ...(reachable ? { reachable } : {}) })
}

/**
 * A store of its own replicating with every peer of a swarm on the testnet, with none of the
 * project's code: an outside reader of a ledger. It joins no topic yet; both go when the test ends.
 */
export async function outsideStore(
  t: test.Test,
  testnet: LoopbackTestnet
): Promise<{ store: Corestore; swarm: Hyperswarm }> {
  const store = new Corestore(await tmpdir(t))
  const swarm = new Hyperswarm({ dht: testnet.createNode() })
  t.teardown(async () => {
    await swarm.destroy()
    await store.close()
  })
  swarm.on('connection', (conn: Hyperswarm.Connection) => store.replicate(conn))
  return { store, swarm }
}
