/**
 * Hostile writers: what a member writing garbage, oversized blocks, forged and replayed
 * transactions and floods, a removed writer that keeps writing, and a peer that is not a member
 * at all can do to the honest nodes. Nothing, is the claim: the honest nodes keep serving and
 * writing, apply never throws, every hostile transaction has the same recorded outcome everywhere
 * (identical ledgers, same head hash), value is conserved, and a flood delays honest writers by a
 * bounded, measured amount.
 *
 * Four in-process nodes, linked pairwise by replication streams:
 *   admin    creates the ledger, the only indexer
 *   honest   a writer that keeps writing and measures its latency
 *   hostile  a writer whose bytes go straight into its autobase log (no submit() checks)
 *   outsider never added: replicates, tries optimistic appends and plain submits
 * At the end the admin removes the hostile writer while it is cut off; it keeps writing, then
 * reconnects.
 *
 * Ids are scoped per writer, so a member that copies the id of a pending honest transaction (see
 * frontRun) writes an unrelated transaction of its own: the honest one is still accepted, and the
 * honest node's wait for its receipt returns its own entry.
 */
import b4a from 'b4a'
import type { LedgerNode } from '../../../lib/index.js'
import { NodeGroup } from '../../helpers/nodes.js'
import { seededReport } from '../report.js'
import type { Report } from '../report.js'
import { connect } from './context.js'
import type { Ctx } from './context.js'
import { setup } from './setup.js'
import { garbage } from './garbage.js'
import { forgeries } from './forgeries.js'
import { outsiderAttempts } from './outsider.js'
import { flood } from './flood.js'
import { frontRun } from './front-run.js'
import { removedWriter } from './removed-writer.js'
import { finalChecks } from './final-checks.js'

export interface HostileOptions {
  seed?: number
  /** Random and hand-malformed blocks the hostile member writes. */
  garbageBlocks?: number
  /** Max-size blocks (4096 transactions, or close to 1 MiB) in the flood. */
  floodBlocks?: number
  /** Honest latency samples taken before the flood (the baseline). */
  baselineSamples?: number
  /** Blocks the removed writer appends while cut off. */
  cutOffBlocks?: number
  /** Longest wait for any one condition. */
  timeout?: number
  /** Progress lines (for a soak run); silent by default. */
  log?: (line: string) => void
}

export async function hostileScenario(opts: HostileOptions = {}): Promise<Report> {
  const {
    seed = Math.floor(Math.random() * 2 ** 31),
    garbageBlocks = 40,
    floodBlocks = 8,
    baselineSamples = 15,
    cutOffBlocks = 6,
    timeout = 60_000,
    log = () => {}
  } = opts
  const { report, rnd } = seededReport('hostile', seed)
  const group = new NodeGroup('hostile')
  const nodes = group.nodes
  const links = new Map<string, () => void>()
  const open = (key?: Buffer, fastForward = true): Promise<LedgerNode> =>
    group.open({ key, fastForward })
  try {
    const admin = await open()
    // The hostile node applies everything itself: a node that fast-forwarded holds its views
    // sparsely and fetches missing blocks from peers while it applies, so once cut off its apply,
    // and every append waiting behind it, would stall until a peer came back.
    // Its key sorts before the honest writer's (a member can grind its key; here fresh pairs are
    // drawn until it does): autobase orders concurrent blocks by writer key, so its blocks then go
    // first whenever they race the honest writer's.
    let honest = await open(admin.key)
    let hostile = await open(admin.key, false)
    for (
      let tries = 0;
      b4a.compare(hostile.writerKey, honest.writerKey) > 0 && tries < 20;
      tries++
    ) {
      for (const n of [honest, hostile]) await group.drop(n)
      honest = await open(admin.key)
      hostile = await open(admin.key, false)
    }
    const outsider = await open(admin.key)
    const names = new Map([
      [admin, 'admin'],
      [honest, 'honest'],
      [hostile, 'hostile'],
      [outsider, 'outsider']
    ])
    const errors = new Map<LedgerNode, Error[]>()
    for (const n of nodes) {
      const list: Error[] = []
      errors.set(n, list)
      n.on('error', (err) => list.push(err))
    }
    const ctx: Ctx = {
      rnd,
      timeout,
      report,
      admin,
      honest,
      hostile,
      outsider,
      errors,
      names,
      links,
      blocks: [],
      forbidden: new Set(),
      hostileIds: [],
      honestIds: [],
      honestBytes: [],
      log
    }
    connect(ctx, [admin, honest, hostile, outsider])
    await setup(ctx)
    log('setup done')
    await garbage(ctx, garbageBlocks)
    await forgeries(ctx)
    await outsiderAttempts(ctx)
    await flood(ctx, floodBlocks, baselineSamples)
    await frontRun(ctx)
    await removedWriter(ctx, cutOffBlocks)
    await finalChecks(ctx)
    return report
  } finally {
    for (const cut of links.values()) cut()
    await group.destroy()
  }
}
