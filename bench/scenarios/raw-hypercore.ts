import path from 'path'
import crypto from 'crypto'
import { PeerProcess } from '../harness/peer-process.js'
import type { RawPeerApi } from '../peer/raw-peer.js'
import {
  runNet,
  runDir,
  runTimeout,
  timeToDone,
  withTeardown,
  assertSame
} from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { workloadSlices } from '../harness/workload.js'

/** Blocks per append call for the raw writer: about what the ledger's writer appends per call with a full window. */
const RAW_PACKED_BATCH = 4
const RAW_PER_TX_BATCH = 100

export interface BaselineRun {
  totalTxs: number
  bytes: number
  ms: number
  txPerSec: number
  mbPerSec: number
}

/**
 * Raw hypercore: each writer process appends the same transaction bytes to a plain hypercore
 * (packed into blocks like the ledger's, or one block per transaction) and replicates every other
 * writer's core over the same kind of swarm. Timed until every process holds every core in full.
 */
export async function rawRun(
  ctx: BenchContext,
  writers: number,
  txs: number,
  packed: boolean
): Promise<BaselineRun> {
  const timeoutMs = runTimeout(ctx.config)
  return withTeardown(async (defer) => {
    const net = await runNet(defer)
    const dir = await runDir(defer, 'raw')
    const peers = Array.from({ length: writers }, (_, i) =>
      PeerProcess.start<RawPeerApi>(defer, 'raw', { name: `raw-${i}` })
    )
    const topic = crypto.randomBytes(32).toString('hex')
    const opened = await Promise.all(
      peers.map((p, i) =>
        p.call('open', { dir: path.join(dir, `node-${i}`), bootstrap: net.bootstrap, topic })
      )
    )
    const keys = opened.map((o) => o.key)
    const work = workloadSlices(ctx.config, writers, txs)
    const prepared = await Promise.all(
      peers.map((p, i) =>
        p.call('prepare', { slices: [work[i]], packed, remotes: keys.filter((_, j) => j !== i) })
      )
    )
    const lengths = Object.fromEntries(keys.map((k, i) => [k, prepared[i].blocks]))

    const batch = packed ? RAW_PACKED_BATCH : RAW_PER_TX_BATCH
    const { done, ms } = await timeToDone(
      () => Promise.all(peers.map((p) => p.call('waitAll', { lengths, timeoutMs }))),
      () => Promise.all(peers.map((p) => p.call('run', { batch })))
    )

    for (const key of keys)
      assertSame(
        `tree hash of core ${key.slice(0, 8)}`,
        done.map((d) => d.hashes[key])
      )
    const totalTxs = writers * txs
    const bytes = prepared.reduce((n, p) => n + p.bytes, 0)
    return {
      totalTxs,
      bytes,
      ms,
      txPerSec: totalTxs / (ms / 1000),
      mbPerSec: bytes / 1e6 / (ms / 1000)
    }
  })
}
