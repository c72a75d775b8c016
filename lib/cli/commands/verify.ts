import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { LedgerError } from '../../errors.js'
import type { VerifiedEntry, VerifyProgress, VerifyReport } from '../../node/verify.js'

export const verify: Command = {
  name: 'verify',
  summary:
    "Re-derive the ledger from the signed writer logs from scratch and compare it with this node's final ledger.",
  details: [
    'A scratch store, no network, no fast-forward: every final entry (position, writer, block, outcome,',
    'hash chain), then the whole state, compared by Merkle tree hash, and read only where they differ.',
    'Exit 0 only when identical; VERIFY_DIFFERENT names the first differing position with both sides;',
    'VERIFY_INCOMPLETE lists the logs this node does not hold (a running daemon fetches them from peers first).'
  ],
  async run(ctx) {
    const progress = ctx.out.json || process.stderr.isTTY !== true ? undefined : printProgress()
    const report = await withLedger(ctx.dir, ({ ops }) => ops.verify({ onProgress: progress }))
    if (progress !== undefined) process.stderr.write('\n')
    ctx.out.item(report, () => human(report))
    if (report.result === 'different') {
      const d = report.difference
      throw new LedgerError(
        'VERIFY_DIFFERENT',
        `the ledger differs from its writer logs at position ${d?.position}: ${d?.what}`
      )
    }
    if (report.result === 'incomplete') {
      throw new LedgerError(
        'VERIFY_INCOMPLETE',
        `this node does not hold ${report.missing.map((m) => `${m.log === 'ledger' ? 'its entries' : `writer ${m.log.slice(0, 8)}'s log`} (${m.held} of ${m.needed})`).join(', ')}: run it with its daemon on the network, which fetches them from peers`
      )
    }
  }
}

function printProgress(): (p: VerifyProgress) => void {
  let last = 0
  return (p) => {
    const now = Date.now()
    if (now - last < 200 && p.done < p.of) return
    last = now
    process.stderr.write(`\rverify: ${p.phase} ${p.done}/${p.of}   `)
  }
}

function human(r: VerifyReport): string {
  const lines = [
    `${r.result}: ${r.length} final entries${r.stateCompared ? ' and the state' : ''}, head ${r.head}`,
    `${r.ms} ms (${r.entriesPerSecond} entries/s)`
  ]
  if (!r.stateCompared && r.result === 'identical')
    lines.push('state not compared: the ledger has entries that are not final yet')
  if (r.difference !== null) {
    lines.push(`first difference at position ${r.difference.position}: ${r.difference.what}`)
    lines.push(`  this node: ${show(r.difference.ours)}`)
    lines.push(`  derived:   ${show(r.difference.derived)}`)
  }
  for (const m of r.missing) lines.push(`missing: ${m.log} holds ${m.held} of ${m.needed}`)
  return lines.join('\n')
}

function show(e: VerifiedEntry | string | null): string {
  if (e === null) return 'nothing'
  if (typeof e === 'string') return e
  return `writer ${e.writer.slice(0, 8)} block ${e.writerPosition} tx ${e.index} ${e.outcome}${e.reason === null ? '' : ` ${e.reason}`} (hash ${e.hash.slice(0, 8)})`
}
