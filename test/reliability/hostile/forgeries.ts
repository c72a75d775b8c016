import b4a from 'b4a'
import { encodeBlock } from '../../../lib/ledger/block.js'
import { accounts, hex, hostileAppend, tx } from './context.js'
import type { Ctx } from './context.js'

/** Forged transactions, privilege grabs and replays of earlier ids, all from a member. */
export async function forgeries(ctx: Ctx): Promise<void> {
  const { rnd } = ctx
  const acc = accounts(ctx)
  const items: Array<{ t: { id: Uint8Array; bytes: Uint8Array }; reason: string }> = []
  const used = new Set<string>()
  // A second use of one id by the same writer is a duplicate, whatever its body would call for.
  const add = (t: { id: Uint8Array; bytes: Uint8Array }, reason: string): void => {
    const id = hex(t.id)
    items.push({ t, reason: used.has(id) ? 'DUPLICATE_ID' : reason })
    used.add(id)
  }
  add(
    tx(rnd, { type: 'transfer', from: acc.admin, to: acc.hostile, amount: 10n, memo: 'forged' }),
    'NOT_OWNER'
  )
  add(
    tx(rnd, { type: 'transfer', from: acc.honest, to: acc.hostile, amount: 10n, memo: 'forged' }),
    'NOT_OWNER'
  )
  add(
    tx(rnd, { type: 'transfer', from: 'treasury', to: acc.hostile, amount: 10n, memo: 'forged' }),
    'NOT_OWNER'
  )
  add(tx(rnd, { type: 'add-owner', account: 'treasury', key: ctx.hostile.writerKey }), 'NOT_OWNER')
  add(tx(rnd, { type: 'open-account', account: 'treasury' }), 'ACCOUNT_EXISTS')
  add(tx(rnd, { type: 'mint', account: acc.hostile, amount: 1n << 100n }), 'NOT_AUTHORIZED')
  add(
    tx(rnd, {
      type: 'add-writer',
      key: ctx.outsider.writerKey,
      role: 'admin',
      indexer: true,
      invite: null
    }),
    'NOT_AUTHORIZED'
  )
  add(tx(rnd, { type: 'remove-writer', key: ctx.admin.writerKey }), 'NOT_AUTHORIZED')
  add(tx(rnd, { type: 'remove-writer', key: ctx.honest.writerKey }), 'NOT_AUTHORIZED')
  add(tx(rnd, { type: 'set-version', format: 2 }), 'NOT_AUTHORIZED')
  add(
    tx(rnd, {
      type: 'transfer',
      from: acc.hostile,
      to: acc.admin,
      amount: 1n << 64n,
      memo: 'more than it has'
    }),
    'INSUFFICIENT_FUNDS'
  )
  // Replays: byte-exact honest transactions, and other writers' ids on new bodies. Ids are scoped
  // per writer, so each is the hostile member's own transaction, judged on its own: a transfer out
  // of an account it does not own (the honest transfer's id is in both lists: its second use here
  // is a duplicate).
  for (const bytes of ctx.honestBytes) add({ id: bytes.subarray(1, 17), bytes }, 'NOT_OWNER')
  for (const id of ctx.honestIds)
    add(
      tx(
        rnd,
        { type: 'transfer', from: acc.admin, to: acc.hostile, amount: 1n, memo: 'replay' },
        b4a.from(id, 'hex')
      ),
      'NOT_OWNER'
    )
  const block = encodeBlock(items.map((i) => i.t.bytes))
  await hostileAppend(ctx, [
    {
      bytes: block,
      what: 'forged transactions and replays',
      expect: items.map((i) => i.reason),
      ids: items.map((i) => i.t.id)
    }
  ])
  ctx.hostileIds.push(...items.map((i) => hex(i.t.id)))
  ctx.report.count('forged transactions', 11)
  ctx.report.count('replayed ids', ctx.honestBytes.length + ctx.honestIds.length)

  // Its own ids: one accepted transfer, then that id again (same bytes, and a new body), in a later block.
  const own = tx(rnd, {
    type: 'transfer',
    from: acc.hostile,
    to: acc.honest,
    amount: 1n,
    memo: 'own'
  })
  await hostileAppend(ctx, [
    { bytes: encodeBlock([own.bytes]), what: 'its own transfer', expect: ['accepted'] }
  ])
  const again = tx(
    rnd,
    { type: 'transfer', from: acc.hostile, to: acc.honest, amount: 2n, memo: 'own again' },
    own.id
  )
  await hostileAppend(ctx, [
    {
      bytes: encodeBlock([own.bytes, again.bytes]),
      what: 'replays of its own id',
      expect: ['DUPLICATE_ID', 'DUPLICATE_ID']
    }
  ])
  ctx.hostileIds.push(hex(own.id))
  ctx.report.count('replayed ids', 2)
  // A forged transfer sent through optimistic mode by a member: the same rules.
  const optimistic = tx(rnd, {
    type: 'transfer',
    from: acc.admin,
    to: acc.hostile,
    amount: 3n,
    memo: 'optimistic'
  })
  const seq = ctx.hostile.base.local.length
  await (
    ctx.hostile.base as unknown as {
      append(v: Uint8Array, o: { optimistic: boolean }): Promise<void>
    }
  ).append(encodeBlock([optimistic.bytes]), { optimistic: true })
  ctx.blocks.push({ seq, what: 'optimistic forged transfer by a member', expect: ['NOT_OWNER'] })
  ctx.forbidden.add(`${acc.hostile}:${hex(optimistic.id)}`)
  ctx.report.count('hostile blocks')
  ctx.report.count('forged transactions')
  ctx.log('forgeries done')
}
