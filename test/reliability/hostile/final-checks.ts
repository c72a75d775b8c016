import type { Entry } from '../../../lib/index.js'
import { converged } from '../../helpers/nodes.js'
import { audit } from '../../helpers/audit.js'
import type { Audit } from '../../helpers/audit.js'
import { replayNodes } from '../replay.js'
import { accounts, hex, MINTED } from './context.js'
import type { Ctx } from './context.js'

/** What must hold once every attack is over: on every honest node, and the same on all of them. */
export async function finalChecks(ctx: Ctx): Promise<void> {
  const { admin, honest, outsider, hostile, report, timeout } = ctx
  const honestNodes = [admin, honest, outsider]
  const acc = accounts(ctx)

  // Honest nodes keep writing: one more from each writer, applied on the others.
  const [a, h] = await Promise.all([
    admin.submit({ type: 'put', key: 'last-admin', value: 1 }),
    honest.submit({ type: 'put', key: 'last-honest', value: 1 })
  ])
  const outcomes = await Promise.all(
    honestNodes.flatMap((n) =>
      [a, h].map((r) => n.waitForTransaction(r.id, { author: r.author, timeout }))
    )
  )
  report.check(
    "honest nodes keep writing after everything: both writers' last transactions accepted everywhere",
    outcomes.every((e) => e.outcome === 'accepted')
  )

  const hash = await converged(honestNodes, { timeout, final: true })
  const audits: Audit[] = []
  for (const n of honestNodes) {
    try {
      audits.push(await audit(n))
      report.check(
        `${ctx.names.get(n)}: audit holds (hash chain, one outcome per (author, id), no negative balance, balances sum to supply)`,
        true
      )
    } catch (err) {
      report.check(
        `${ctx.names.get(n)}: audit holds (hash chain, one outcome per (author, id), no negative balance, balances sum to supply)`,
        false,
        String(err)
      )
    }
  }
  const heads = await Promise.all(honestNodes.map((n) => n.head()))
  report.check(
    'every honest node holds the same head hash at the same length, all final',
    heads.every(
      (x) => x.hash === hash && x.length === heads[0].length && x.final.length === x.length
    ),
    JSON.stringify(heads.map((x) => [x.length, x.hash.slice(0, 16), x.final.length]))
  )
  report.figures.finalLength = heads[0].length
  await replayNodes(
    honestNodes.map((n) => ({ name: ctx.names.get(n)!, node: n })),
    [admin, honest, hostile].map((n) => ({
      name: ctx.names.get(n)!,
      key: hex(n.writerKey),
      length: n.base.local.length
    })),
    report
  )
  if (audits.length === honestNodes.length) {
    const sig = (e: Entry): string =>
      `${e.position}:${e.hash}:${e.writer}:${e.writerPosition}:${e.index}:${e.reason ?? 'accepted'}:${e.digest}`
    const first = audits[0].entries.map(sig)
    const same = audits.every(
      (x) => x.entries.length === first.length && x.entries.every((e, i) => sig(e) === first[i])
    )
    report.check(
      'every honest node holds identical entries (position, hash, author, block, outcome, digest)',
      same
    )

    // Every hostile block has the outcomes it must have, the same on every node.
    const entries = audits[0].entries
    const byBlock = new Map<number, Entry[]>()
    for (const e of entries) {
      if (e.writer !== acc.hostile) continue
      const list = byBlock.get(e.writerPosition) ?? []
      list.push(e)
      byBlock.set(e.writerPosition, list)
    }
    const wrong: string[] = []
    let hostileEntries = 0
    for (const b of ctx.blocks) {
      const got = (byBlock.get(b.seq) ?? [])
        .sort((x, y) => x.index - y.index)
        .map((e) => e.reason ?? 'accepted')
      hostileEntries += got.length
      const ok =
        b.expect === null
          ? got.length === 0
          : b.expect === 'all-rejected'
            ? got.length > 0 && got.every((r) => r !== 'accepted')
            : got.join() === b.expect.join()
      if (!ok)
        wrong.push(
          `block ${b.seq} (${b.what}): got ${summarize(got)}, expected ${Array.isArray(b.expect) ? summarize(b.expect) : String(b.expect)}`
        )
    }
    report.figures.hostileEntries = hostileEntries
    report.check(
      'every hostile block was recorded with the outcomes its content calls for',
      wrong.length === 0,
      wrong.slice(0, 5).join('; ')
    )
    const accepted = entries.filter(
      (e) => e.id !== null && ctx.forbidden.has(`${e.writer}:${e.id}`) && e.outcome === 'accepted'
    )
    report.check(
      'no forged, oversized, replayed or outsider transaction was accepted',
      accepted.length === 0,
      accepted
        .slice(0, 3)
        .map((e) => `${e.position} ${e.tx?.type}`)
        .join(', ')
    )
    const byOutsider = entries.filter((e) => e.writer === acc.outsider)
    report.check(
      'the outsider has no entry in the ledger',
      byOutsider.length === 0,
      `${byOutsider.length} entries`
    )
    const members = (await admin.members()).map((m) => m.key).sort()
    report.check(
      'membership is exactly the admin and the honest writer',
      members.join() === [acc.admin, acc.honest].sort().join(),
      members.join()
    )
    // The accounts it tried to drain hold what the honest history says.
    const treasury = audits[0].balances.get('treasury')
    report.check('the treasury lost nothing', treasury === MINTED.treasury, String(treasury))
    const sum = [...audits[0].balances.values()].reduce((x, y) => x + y, 0n)
    const minted = Object.values(MINTED).reduce((x, y) => x + y, 0n)
    report.check(
      'value is conserved: the balances sum to the minted total',
      sum === minted,
      String(sum)
    )
  }

  for (const n of [admin, honest, hostile, outsider]) {
    const errs = ctx.errors.get(n)!
    const ok = errs.length === 0 && !n.base.closed && n.base.interrupted === null
    const name = ctx.names.get(n)
    report.check(
      `${name}: apply never threw (no 'error' event, base open, not interrupted)`,
      ok,
      errs.map(String).join('; ')
    )
  }
  report.figures.reorders = JSON.stringify(
    Object.fromEntries(
      await Promise.all(
        [...ctx.names].map(async ([n, name]) => [name, (await n.status()).reorders])
      )
    )
  )
}

function summarize(reasons: string[]): string {
  const counts = new Map<string, number>()
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1)
  return reasons.length <= 6
    ? `[${reasons.join(',')}]`
    : [...counts].map(([r, n]) => `${n}x${r}`).join(',')
}
