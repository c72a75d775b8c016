import b4a from 'b4a'
import { encodeBlock } from '../../../lib/ledger/block.js'
import { converged } from '../../helpers/nodes.js'
import { within } from '../../helpers/wait.js'
import { connect, cutOff, hostileAppend, tx } from './context.js'
import type { Ctx } from './context.js'

/**
 * Id front-running: while an honest transaction is pending (its writer cut off from the indexer),
 * a member that has seen its id writes a block reusing it. Autobase orders concurrent blocks by
 * writer key, and the member's key sorts first (see run.ts), so its copy is applied first.
 * Ids are scoped per writer: the copy is the member's own transaction, judged on its own, and the
 * honest original is still accepted; the honest node's wait for its receipt returns its own entry.
 */
export async function frontRun(ctx: Ctx): Promise<void> {
  const { admin, honest, hostile, outsider, rnd, report, timeout } = ctx
  await converged([admin, honest, hostile, outsider], { timeout })
  const hostileFirst = b4a.compare(hostile.writerKey, honest.writerKey) < 0
  // {admin} | {honest, outsider} | {hostile}: the outsider, a plain replica, is the member's eyes.
  cutOff(ctx, hostile)
  cutOff(ctx, admin)
  const victim = await within(
    honest.submit({ type: 'put', key: 'victim', value: 'honest' }),
    timeout,
    'the honest submit'
  )
  await outsider.waitForTransaction(victim.id, { timeout })
  const copy = tx(
    rnd,
    { type: 'put', key: 'victim', value: '"hostile"' },
    b4a.from(victim.id, 'hex')
  )
  // A put by a member: accepted on its own, whichever goes first.
  await hostileAppend(ctx, [
    { bytes: encodeBlock([copy.bytes]), what: 'copy of a pending honest id', expect: ['accepted'] }
  ])
  connect(ctx, [admin, honest, hostile, outsider])
  await converged([admin, honest, outsider], { final: true, timeout })
  report.count('front-run attempts')
  report.figures.frontRunHostileKeySortsFirst = String(hostileFirst)
  const original = await admin.transaction(victim.id, { author: victim.author })
  const copied = await admin.transaction(victim.id, { author: hostile.writerKey })
  report.figures.frontRunCopyFirst = String(
    original !== null && copied !== null && copied.position < original.position
  )
  report.check(
    'a copied id never displaces an honest transaction: the honest original is accepted',
    original !== null && original.writer === victim.author && original.outcome === 'accepted',
    JSON.stringify({
      writer: original?.writer.slice(0, 16),
      outcome: original?.outcome,
      reason: original?.reason
    })
  )
  // The honest node's own wait for its receipt (no author given: it submitted the id) returns its own entry.
  const receipt = await honest.waitForTransaction(victim.id, { final: true, timeout })
  report.check(
    "a copied id never displaces an honest transaction: the honest node's wait returns its own entry",
    receipt.writer === victim.author &&
      receipt.outcome === 'accepted' &&
      receipt.position === original?.position,
    `${receipt.writer === victim.author ? 'its own entry' : 'the hostile copy'} (${receipt.reason ?? receipt.outcome}) at ${receipt.position}`
  )
  ctx.log(
    `front-run: hostile key first ${hostileFirst}, copy first ${report.figures.frontRunCopyFirst}, honest outcome ${original?.reason ?? original?.outcome ?? 'missing'}`
  )
}
