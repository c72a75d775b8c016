import { encodeTx } from '../../../lib/ledger/tx.js'
import type { Tx } from '../../../lib/ledger/tx.js'
import { untilWritable } from '../../helpers/wait.js'
import { accounts, hex, MINTED } from './context.js'
import type { Ctx } from './context.js'

/** The admin adds the honest and the hostile writer and funds the accounts; the honest writer makes a transfer to be replayed. */
export async function setup(ctx: Ctx): Promise<void> {
  const { admin, honest, hostile, timeout } = ctx
  const acc = accounts(ctx)
  await admin.submit([
    { type: 'add-writer', key: honest.writerKey },
    { type: 'add-writer', key: hostile.writerKey }
  ])
  await Promise.all([untilWritable(honest, timeout), untilWritable(hostile, timeout)])
  const receipts = await admin.submit([
    { type: 'mint', account: acc.admin, amount: MINTED.admin },
    { type: 'open-account', account: 'treasury' },
    { type: 'mint', account: 'treasury', amount: MINTED.treasury },
    { type: 'mint', account: acc.honest, amount: MINTED.honest },
    { type: 'mint', account: acc.hostile, amount: MINTED.hostile }
  ])
  ctx.honestIds.push(...receipts.map((r) => r.id))
  // A byte-exact honest transfer the hostile member will replay.
  const transfer = {
    version: 1,
    id: ctx.rnd.bytes(16),
    timestamp: 1,
    type: 'transfer',
    from: acc.honest,
    to: acc.hostile,
    amount: 5n,
    memo: 'honest'
  } as const
  await honest.submit({ ...transfer, id: transfer.id })
  ctx.honestBytes.push(encodeTx(transfer as unknown as Tx))
  ctx.honestIds.push(hex(transfer.id))
  await Promise.all(
    [admin, honest, hostile].map((n) => n.waitForTransaction(transfer.id, { timeout }))
  )
}
