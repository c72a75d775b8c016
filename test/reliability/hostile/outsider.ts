import { LedgerError } from '../../../lib/index.js'
import { encodeBlock } from '../../../lib/ledger/block.js'
import { accounts, hex, tx } from './context.js'
import type { Ctx } from './context.js'

/** The outsider: submit and plain append fail at once, optimistic appends are never applied. */
export async function outsiderAttempts(ctx: Ctx): Promise<void> {
  const { outsider, rnd, report } = ctx
  const acc = accounts(ctx)
  const submitErr = await outsider
    .submit({ type: 'put', key: 'outsider', value: 1 })
    .catch((err: unknown) => err)
  report.check(
    'a non-member submit fails with NOT_WRITABLE',
    submitErr instanceof LedgerError && submitErr.code === 'NOT_WRITABLE',
    String(submitErr)
  )
  const plain = tx(rnd, { type: 'put', key: 'outsider', value: '1' })
  const plainErr = await outsider.base.append(encodeBlock([plain.bytes])).then(
    () => null,
    (err: unknown) => err
  )
  report.check('a non-member plain append fails', plainErr !== null, String(plainErr))
  const attempts = [
    tx(rnd, {
      type: 'add-writer',
      key: outsider.writerKey,
      role: 'admin',
      indexer: true,
      invite: null
    }),
    tx(rnd, {
      type: 'transfer',
      from: acc.admin,
      to: acc.outsider,
      amount: 100n,
      memo: 'outsider'
    }),
    tx(rnd, { type: 'mint', account: acc.outsider, amount: 100n }),
    tx(rnd, { type: 'put', key: 'outsider', value: '"was here"' })
  ]
  const append = outsider.base as unknown as {
    append(v: Uint8Array | null, o: { optimistic: boolean }): Promise<void>
  }
  let failed = 0
  for (const a of [...attempts.map((a) => encodeBlock([a.bytes])), rnd.bytes(3000)]) {
    await append.append(a, { optimistic: true }).catch(() => {
      failed++
    })
    report.count('outsider optimistic appends')
  }
  for (const a of attempts) ctx.forbidden.add(`${acc.outsider}:${hex(a.id)}`)
  report.figures.outsiderOptimisticAppendsThatThrew = failed
  report.count('outsider submits', 2)
  ctx.log('outsider done')
}
