import path from 'path'
import { DEFAULT_ACK_INTERVAL_MS } from '../../lib/index.js'
import { PeerProcess } from '../harness/peer-process.js'
import type { NaivePeerApi } from '../peer/naive-peer.js'
import {
  runNet,
  runDir,
  runTimeout,
  timeToDone,
  withTeardown,
  assertSame,
  assertEqual
} from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { workloadSlices } from '../harness/workload.js'
import type { BaselineRun } from './raw-hypercore.js'

export interface NaiveRun extends BaselineRun {
  truncations: number[]
}

/** The naive design: one autobase node and one hyperbee put per transaction, to the same signed view everywhere. */
export async function naiveRun(ctx: BenchContext, writers: number, txs: number): Promise<NaiveRun> {
  const timeoutMs = runTimeout(ctx.config, 900_000)
  return withTeardown(async (defer) => {
    const net = await runNet(defer)
    const root = await runDir(defer, 'naive')
    const peers = Array.from({ length: writers }, (_, i) =>
      PeerProcess.start<NaivePeerApi>(defer, 'naive', { name: `naive-${i}` })
    )
    const ackInterval = DEFAULT_ACK_INTERVAL_MS // the same as the ledger's
    const dir = (i: number): string => path.join(root, `node-${i}`)
    const admin = await peers[0].call('open', {
      dir: dir(0),
      bootstrap: net.bootstrap,
      ackInterval
    })
    const others = await Promise.all(
      peers
        .slice(1)
        .map((p, i) =>
          p.call('open', { dir: dir(i + 1), key: admin.key, bootstrap: net.bootstrap, ackInterval })
        )
    )
    await peers[0].call('addWriters', {
      keys: others.map((o) => o.writerKey),
      indexers: ctx.config.indexers
    })
    await Promise.all(peers.map((p) => p.call('waitWritable', { timeoutMs })))
    const work = workloadSlices(ctx.config, writers, txs)
    const prepared = await Promise.all(
      peers.map((p, i) => p.call('prepare', { slices: [work[i]] }))
    )
    const totalTxs = writers * txs

    const { done, ms } = await timeToDone(
      () => Promise.all(peers.map((p) => p.call('waitFinal', { puts: totalTxs, timeoutMs }))),
      () => Promise.all(peers.map((p) => p.call('run')))
    )

    for (const d of done) assertEqual('naive view length', d.viewLength, totalTxs + 1)
    assertSame(
      'naive view tree hash',
      done.map((d) => d.hash)
    )
    const bytes = prepared.reduce((n, p) => n + p.bytes, 0)
    return {
      totalTxs,
      bytes,
      ms,
      txPerSec: totalTxs / (ms / 1000),
      mbPerSec: bytes / 1e6 / (ms / 1000),
      truncations: done.map((d) => d.truncations)
    }
  })
}
