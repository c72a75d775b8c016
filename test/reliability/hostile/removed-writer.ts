import { LedgerError } from '../../../lib/index.js'
import { encodeBlock } from '../../../lib/ledger/block.js'
import { MAX_BLOCK_TXS } from '../../../lib/ledger/limits.js'
import { converged } from '../../helpers/nodes.js'
import { untilNotWritable, within } from '../../helpers/wait.js'
import { accounts, connect, cutOff, hex, tx } from './context.js'
import type { Ctx } from './context.js'

/**
 * The hostile member is cut off, the admin removes it (and that becomes final), and it keeps
 * writing: valid transactions it could make before, through submit() and raw. Then it reconnects.
 */
export async function removedWriter(ctx: Ctx, count: number): Promise<void> {
  const { admin, honest, hostile, outsider, rnd, report, timeout } = ctx
  const acc = accounts(ctx)
  await converged([admin, honest, hostile, outsider], { timeout })
  cutOff(ctx, hostile)
  ctx.log('cut off')
  const removal = await admin.submit({ type: 'remove-writer', key: hostile.writerKey })
  const removed = await admin.waitForTransaction(removal.id, { final: true, timeout })
  report.check(
    'the removal is accepted and final',
    removed.outcome === 'accepted' && removed.final,
    JSON.stringify({ outcome: removed.outcome, final: removed.final })
  )
  ctx.report.figures.removalPosition = removed.position
  ctx.log('removal final')

  const firstCutOff = hostile.base.local.length
  const cutOffIds = await within(
    writeWhileCutOff(ctx, count),
    timeout,
    'the cut-off writer appending to its own log'
  )
  const lastCutOff = hostile.base.local.length
  ctx.log('cut-off writes done')
  // Meanwhile the honest side carries on.
  const meanwhile = await honest.submit({ type: 'put', key: 'meanwhile', value: 1 })
  await admin.waitForTransaction(meanwhile.id, { timeout })

  connect(ctx, [admin, honest, hostile, outsider])
  ctx.log('reconnected')
  const hash = await converged([admin, honest, outsider], { timeout })
  await untilNotWritable(hostile, timeout)
  // The removed writer's own view converges too once it has the admin's log.
  let hostileConverged = true
  await converged([admin, honest, outsider, hostile], { timeout }).catch(() => {
    hostileConverged = false
  })
  report.check(
    'the removed writer converges to the honest head once reconnected',
    hostileConverged,
    hash
  )

  // Once removed, writes fail at once (optimistic ones are dropped).
  const err = await hostile
    .submit({ type: 'put', key: 'removed-late', value: 1 })
    .catch((e: unknown) => e)
  report.check(
    'the removed writer cannot submit',
    err instanceof LedgerError && err.code === 'NOT_WRITABLE',
    String(err)
  )
  const late = tx(rnd, { type: 'put', key: 'removed-late', value: '1' })
  const opt = hostile.base as unknown as {
    append(v: Uint8Array, o: { optimistic: boolean }): Promise<void>
  }
  await opt.append(encodeBlock([late.bytes]), { optimistic: true }).catch(() => {})
  cutOffIds.push(hex(late.id))
  report.count('removed-writer optimistic appends')

  const after = await honest.submit({ type: 'put', key: 'after-reconnect', value: 1 })
  await Promise.all([admin, outsider].map((n) => n.waitForTransaction(after.id, { timeout })))
  for (const n of [admin, honest, outsider]) {
    const found: string[] = []
    for (const id of cutOffIds)
      if ((await n.transaction(id, { author: hostile.writerKey })) !== null) found.push(id)
    report.check(
      `${ctx.names.get(n)}: no transaction the removed writer wrote after its removal is in the ledger`,
      found.length === 0,
      `${found.length} of ${cutOffIds.length} found`
    )
    const page = await n.entries({ gte: removed.position, limit: 1000 })
    const late = page.items.filter(
      (e) =>
        e.writer === acc.hostile &&
        e.writerPosition >= firstCutOff &&
        e.writerPosition < lastCutOff + 2
    )
    const laterThanRemoval = page.items.filter((e) => e.writer === acc.hostile)
    report.check(
      `${ctx.names.get(n)}: no entry by the removed writer after its removal`,
      late.length === 0 && laterThanRemoval.length === 0,
      `${laterThanRemoval.length} entries`
    )
    const record = await n.get('removed-0')
    report.check(
      `${ctx.names.get(n)}: its cut-off writes changed no state`,
      record === null,
      JSON.stringify(record)
    )
  }
  report.count('cut-off transactions', cutOffIds.length)
  ctx.log('removed writer done')
}

/** Valid transactions it could make before its removal, and a full block, raw and through submit(). Returns their ids. */
async function writeWhileCutOff(ctx: Ctx, count: number): Promise<string[]> {
  const { hostile, rnd, report } = ctx
  const acc = accounts(ctx)
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const own = tx(rnd, {
      type: 'transfer',
      from: acc.hostile,
      to: acc.honest,
      amount: 1n,
      memo: 'after removal'
    })
    const put = tx(rnd, { type: 'put', key: 'removed-' + i, value: '"still here"' })
    const forged = tx(rnd, {
      type: 'transfer',
      from: 'treasury',
      to: acc.hostile,
      amount: 1n,
      memo: 'after removal'
    })
    await hostile.base.append(encodeBlock([own.bytes, put.bytes, forged.bytes]))
    ids.push(hex(own.id), hex(put.id), hex(forged.id))
    const { id } = await hostile.submit({ type: 'put', key: 'removed-submit-' + i, value: i })
    ids.push(id)
    report.count('blocks written after removal', 2)
  }
  const full = Array.from({ length: MAX_BLOCK_TXS }, () =>
    tx(rnd, { type: 'put', key: 'removed-flood', value: '1' })
  )
  await hostile.base.append(encodeBlock(full.map((t) => t.bytes)))
  ids.push(...full.map((t) => hex(t.id)))
  report.count('blocks written after removal')
  return ids
}
