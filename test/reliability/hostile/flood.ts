import { performance } from 'perf_hooks'
import b4a from 'b4a'
import { encodeBlock, decodeBlock } from '../../../lib/ledger/block.js'
import { MAX_BLOCK_BYTES, MAX_BLOCK_TXS, MAX_TX_BYTES } from '../../../lib/ledger/limits.js'
import { converged } from '../../helpers/nodes.js'
import { within } from '../../helpers/wait.js'
import { median } from '../../../bench/harness/stats.js'
import { accounts, hostileAppend, tx } from './context.js'
import type { Ctx, Expected } from './context.js'

/**
 * Honest submit -> applied on the admin, sequentially, until `until` resolves (and at least `min`
 * samples). Alternates a put with a small transfer to the admin, which must be accepted.
 */
async function sampleLatency(
  ctx: Ctx,
  tag: string,
  min: number,
  until: Promise<unknown> | null
): Promise<{ ms: number[]; rejected: number; why: string[] }> {
  const { honest, admin, timeout } = ctx
  const acc = accounts(ctx)
  let done = until === null
  until?.then(
    () => {
      done = true
    },
    () => {
      done = true
    }
  )
  const ms: number[] = []
  let rejected = 0
  const why: string[] = []
  for (let i = 0; ms.length < min || !done; i++) {
    const start = performance.now()
    const input =
      i % 2 === 0
        ? { type: 'put' as const, key: `honest-${tag}-${i}`, value: i }
        : { type: 'transfer' as const, from: acc.honest, to: acc.admin, amount: 1n, memo: tag }
    const { id, author } = await within(honest.submit(input), timeout, 'an honest submit')
    const entry = await admin.waitForTransaction(id, { author, timeout })
    ms.push(performance.now() - start)
    if (entry.outcome !== 'accepted') {
      rejected++
      why.push(`${tag} ${i} ${entry.tx?.type} at ${entry.position}: ${entry.reason}`)
    }
    ctx.honestIds.push(id)
    if (ms.length > 10_000) break
  }
  return { ms, rejected, why }
}

/** Max-size blocks, appended one by one (and two as one autobase batch) while the honest writer measures its latency. */
export async function flood(ctx: Ctx, count: number, baselineSamples: number): Promise<void> {
  const { rnd, report, admin, timeout } = ctx
  const acc = accounts(ctx)
  await converged([admin, ctx.honest, ctx.hostile, ctx.outsider], { timeout })
  ctx.log('baseline')
  const base = await sampleLatency(ctx, 'base', baselineSamples, null)
  // The flood starts from a settled ledger: every baseline transaction final.
  await admin.waitForTransaction(ctx.honestIds[ctx.honestIds.length - 1], {
    author: ctx.honest.writerKey,
    final: true,
    timeout
  })
  ctx.log('flood')

  const makers: Array<
    () => { bytes: Uint8Array; what: string; expect: Expected; ids: Uint8Array[] }
  > = [
    () => {
      // 4096 forged transfers out of accounts it does not own
      const ts = Array.from({ length: MAX_BLOCK_TXS }, (_, i) =>
        tx(rnd, {
          type: 'transfer',
          from: i % 2 ? acc.admin : 'treasury',
          to: acc.hostile,
          amount: 1n,
          memo: ''
        })
      )
      return {
        bytes: encodeBlock(ts.map((t) => t.bytes)),
        what: 'flood: 4096 forged transfers',
        expect: ts.map(() => 'NOT_OWNER'),
        ids: ts.map((t) => t.id)
      }
    },
    () => {
      // 4096 transactions of an unknown type, each with a fresh id
      const ts = Array.from({ length: MAX_BLOCK_TXS }, () => {
        const b = b4a.concat([b4a.from([1]), rnd.bytes(16), b4a.from([0xf7, 0]), rnd.bytes(40)])
        return { id: b.subarray(1, 17), bytes: b }
      })
      return {
        bytes: encodeBlock(ts.map((t) => t.bytes)),
        what: 'flood: 4096 unknown types',
        expect: ts.map(() => 'UNKNOWN_TYPE'),
        ids: ts.map((t) => t.id)
      }
    },
    () => {
      // ~1 MiB of values too large to accept, each transaction kept in its entry
      const value = JSON.stringify('x'.repeat(MAX_TX_BYTES - 200))
      const ts: Array<{ id: Uint8Array; bytes: Uint8Array }> = []
      for (let size = 0; size + MAX_TX_BYTES < MAX_BLOCK_BYTES - 64;) {
        const t = tx(rnd, { type: 'put', key: 'fat', value })
        ts.push(t)
        size += t.bytes.byteLength + 5
      }
      return {
        bytes: encodeBlock(ts.map((t) => t.bytes)),
        what: `flood: ${ts.length} values over the bound (1 MiB)`,
        expect: ts.map(() => 'INVALID_VALUE'),
        ids: ts.map((t) => t.id)
      }
    },
    () => {
      // 1 MiB of junk after a valid version byte
      const bytes = rnd.bytes(MAX_BLOCK_BYTES)
      bytes[0] = 1
      return {
        bytes,
        what: 'flood: 1 MiB of junk',
        expect: decodeBlock(bytes).ok ? 'all-rejected' : ['BAD_ENCODING'],
        ids: []
      }
    },
    () => {
      // 4096 replays of ids it used already (another writer's id would be a new transaction of its own)
      const ts = Array.from({ length: MAX_BLOCK_TXS }, (_, i) =>
        tx(
          rnd,
          { type: 'put', key: 'replay', value: '1' },
          b4a.from(ctx.hostileIds[i % ctx.hostileIds.length], 'hex')
        )
      )
      return {
        bytes: encodeBlock(ts.map((t) => t.bytes)),
        what: 'flood: 4096 replayed ids',
        expect: ts.map(() => 'DUPLICATE_ID'),
        ids: []
      }
    }
  ]
  const blocks = Array.from({ length: count }, (_, i) => makers[i % makers.length]())
  const end = tx(rnd, { type: 'put', key: 'flood-end', value: '1' })
  let floodEntries = 0
  for (const b of blocks) floodEntries += Array.isArray(b.expect) ? b.expect.length : 1
  report.count('flood blocks', count)
  report.count(
    'flood bytes',
    blocks.reduce((n, b) => n + b.bytes.byteLength, 0)
  )
  report.count('flood entries', floodEntries)

  const start = performance.now()
  const writing = (async () => {
    for (let i = 0; i < blocks.length; i++) {
      // The last two go in as one autobase batch: one apply call for both.
      if (i === blocks.length - 2 && blocks.length >= 4) {
        await hostileAppend(ctx, [blocks[i], blocks[i + 1]])
        break
      }
      await hostileAppend(ctx, [blocks[i]])
    }
    await hostileAppend(ctx, [
      { bytes: encodeBlock([end.bytes]), what: 'flood end marker', expect: ['accepted'] }
    ])
  })()
  const applied = writing.then(() => admin.waitForTransaction(end.id, { timeout: timeout * 2 }))
  const during = await sampleLatency(ctx, 'flood', 3, applied)
  await applied
  const floodMs = performance.now() - start

  const f = report.figures
  f.baselineP50Ms = Math.round(median(base.ms))
  f.baselineMaxMs = Math.round(Math.max(...base.ms))
  f.floodP50Ms = Math.round(median(during.ms))
  f.floodMaxMs = Math.round(Math.max(...during.ms))
  f.floodP50Ratio = Number((median(during.ms) / median(base.ms)).toFixed(1))
  f.floodMaxRatio = Number((Math.max(...during.ms) / Math.max(...base.ms)).toFixed(1))
  f.floodAppliedMs = Math.round(floodMs)
  f.floodEntriesPerSecond = Math.round(floodEntries / (floodMs / 1000))
  f.honestSamplesDuringFlood = during.ms.length
  report.count('honest transactions', base.ms.length + during.ms.length)
  report.check(
    'honest transactions before and during the flood are all accepted',
    base.rejected + during.rejected === 0,
    `${base.rejected + during.rejected} rejected ${[...base.why, ...during.why].join('; ')}`
  )
  // The bound: an honest transaction waits at most for the flood already queued ahead of it, so
  // no single honest wait exceeds the time the whole flood took to apply (plus a 2 s margin).
  report.check(
    'no honest transaction waited longer than the whole flood took to apply',
    Math.max(...during.ms) <= floodMs + 2000,
    `max ${f.floodMaxMs} ms, flood ${f.floodAppliedMs} ms`
  )
  report.check(
    'the honest writer kept writing during the flood',
    during.ms.length >= 3,
    `${during.ms.length} samples`
  )
  f.reordersAfterFlood = JSON.stringify(
    Object.fromEntries(
      await Promise.all(
        [...ctx.names].map(async ([n, name]) => [name, (await n.status()).reorders])
      )
    )
  )
  ctx.log(`flood: ${JSON.stringify(f)}`)
}
