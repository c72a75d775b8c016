import path from 'path'
import { PeerProcess } from '../harness/peer-process.js'
import type { LedgerPeerApi } from '../peer/ledger-peer.js'
import { runDir, runTimeout, withTeardown, SanityError, assertEqual } from '../harness/context.js'
import type { BenchContext } from '../harness/context.js'
import { setupTransactions, setupLength, workloadSlices } from '../harness/workload.js'
import { percentiles } from '../harness/stats.js'
import type { Percentiles } from '../harness/stats.js'
import { pairedFigures } from '../harness/report.js'
import type { ScenarioReport, Figure } from '../harness/report.js'

/** Closed-loop clients in the concurrent phase: each waits for its acknowledgement before the next submit. */
export const DURABILITY_CLIENTS = 16

export interface DurabilityRun {
  durable: boolean
  /** The windowed workload (as the local ceiling): first submit to final at the full length. */
  windowTxPerSec: number
  /** One client submitting one transaction at a time: every submit is its own block and its own sync. */
  sequential: Percentiles
  /** DURABILITY_CLIENTS clients at once: submits that arrive together share a block and its sync. */
  clients: Percentiles
  clientsTxPerSec: number
}

/**
 * One node alone, no network, with or without a sync per block: the same three phases in one
 * process. With `encryptionKey` (hex) the ledger is private (the private scenario).
 */
export async function durabilityRun(
  ctx: BenchContext,
  durable: boolean,
  encryptionKey: string | null = null
): Promise<DurabilityRun> {
  const { config } = ctx
  const timeoutMs = runTimeout(config)
  const sizes = {
    window: config.txs,
    sequential: config.smoke ? 20 : 500,
    clients: config.smoke ? 100 : 4000
  }
  return withTeardown(async (defer) => {
    const dir = await runDir(defer, 'durability')
    const peer = PeerProcess.start<LedgerPeerApi>(defer, 'ledger', {
      name: durable ? 'durable' : 'not-durable'
    })
    await peer.call('open', {
      dir: path.join(dir, 'node'),
      bootstrap: null,
      durable,
      ...(encryptionKey === null ? {} : { encryptionKey })
    })
    await peer.call('submit', { txs: setupTransactions([], config.accounts, 1) })
    let length = setupLength(1, config.accounts)
    await peer.call('waitLength', { length, final: true, timeoutMs })
    // Each phase takes another writer's slice of the workload: distinct ids and keys.
    const [windowSlice, sequentialSlice, clientsSlice] = workloadSlices(config, 3, 0)

    await peer.call('prepare', { slices: [{ ...windowSlice, count: sizes.window }] })
    length += sizes.window
    const waiting = peer.call('waitLength', { length, final: true, timeoutMs })
    const { firstSubmitAt } = await peer.call('run', { window: config.window })
    const windowMs = (await waiting).at - firstSubmitAt

    await peer.call('prepare', { slices: [{ ...sequentialSlice, count: sizes.sequential }] })
    const sequential = await peer.call('clients', { clients: 1 })
    await peer.call('prepare', { slices: [{ ...clientsSlice, count: sizes.clients }] })
    const clients = await peer.call('clients', { clients: DURABILITY_CLIENTS })

    length += sizes.sequential + sizes.clients
    const head = await peer.call('waitLength', { length, final: true, timeoutMs })
    assertEqual('final length', head.finalLength, length)
    const rejected = await peer.call('rejected')
    if (rejected !== 0)
      throw new SanityError(`${rejected} transactions were rejected in the durability run`)
    return {
      durable,
      windowTxPerSec: sizes.window / (windowMs / 1000),
      sequential: percentiles(sequential.latencies),
      clients: percentiles(clients.latencies),
      clientsTxPerSec: sizes.clients / (clients.ms / 1000)
    }
  })
}

/** What the sync per block costs: each figure with and without it, and the ratio within the same run. */
export async function durabilityScenario(
  ctx: BenchContext
): Promise<Omit<ScenarioReport, 'seconds'>> {
  const { config } = ctx
  const runs: Array<{ durable: DurabilityRun; fast: DurabilityRun }> = []
  for (let r = 0; r < config.runs; r++) {
    // Alternate which goes first, so that a machine warming up or slowing down favours neither.
    const first = await durabilityRun(ctx, r % 2 === 0)
    const second = await durabilityRun(ctx, r % 2 !== 0)
    const [durable, fast] = first.durable ? [first, second] : [second, first]
    runs.push({ durable, fast })
    ctx.log(
      `  durable / not: windowed ${durable.windowTxPerSec.toFixed(0)} / ${fast.windowTxPerSec.toFixed(0)} tx/s; one client p50 ${durable.sequential.p50.toFixed(2)} / ${fast.sequential.p50.toFixed(2)} ms; ${DURABILITY_CLIENTS} clients ${durable.clientsTxPerSec.toFixed(0)} / ${fast.clientsTxPerSec.toFixed(0)} tx/s, p50 ${durable.clients.p50.toFixed(2)} / ${fast.clients.p50.toFixed(2)} ms`
    )
  }
  const both = (
    key: string,
    label: string,
    unit: string,
    better: Figure['better'],
    pick: (r: DurabilityRun) => number
  ): Record<string, Figure> =>
    pairedFigures(
      runs,
      ['durable', 'fast'],
      { durable: 'durable', fast: 'durable: false', ratio: 'durable / not (same run)' },
      { key, label, unit, better, pick }
    )
  const figures = {
    ...both(
      'window',
      `windowed submits (window ${config.window}) to final`,
      'tx/s',
      'higher',
      (r) => r.windowTxPerSec
    ),
    ...both(
      'sequentialP50',
      'one client, submit latency p50',
      'ms',
      'lower',
      (r) => r.sequential.p50
    ),
    ...both(
      'sequentialP99',
      'one client, submit latency p99',
      'ms',
      'lower',
      (r) => r.sequential.p99
    ),
    ...both(
      'clientsTxPerSec',
      `${DURABILITY_CLIENTS} clients`,
      'tx/s',
      'higher',
      (r) => r.clientsTxPerSec
    ),
    ...both(
      'clientsP50',
      `${DURABILITY_CLIENTS} clients, submit latency p50`,
      'ms',
      'lower',
      (r) => r.clients.p50
    ),
    ...both(
      'clientsP99',
      `${DURABILITY_CLIENTS} clients, submit latency p99`,
      'ms',
      'lower',
      (r) => r.clients.p99
    )
  }
  return {
    name: 'durability',
    title:
      'Durable acknowledgements: one node, no network, with and without a sync to disk per block',
    ok: true,
    params: {
      windowTxs: config.txs,
      window: config.window,
      clients: DURABILITY_CLIENTS,
      runs: config.runs
    },
    figures,
    runs,
    notes: []
  }
}
