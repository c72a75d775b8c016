import { AT_OPTION, asOfNote, int } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { short } from '../output.js'
import { isWriterAccount } from '../../ledger/tx.js'

export const balance: Command = {
  name: 'balance',
  args: '[account]',
  arity: [0, 1],
  summary:
    "Show an account's balance (default: this node's writer account), now or as of a past position.",
  options: AT_OPTION,
  async run(ctx) {
    const at = int(ctx, 'at')
    const b = await withLedger(ctx.dir, async ({ ops }) =>
      ops.balance(ctx.positionals[0] ?? (await ops.status()).writerKey, at)
    )
    const changed =
      b.position === null
        ? 'never'
        : b.at === undefined
          ? `position ${b.position}, ${b.final ? 'final' : 'not final yet'}`
          : `position ${b.position}`
    ctx.out.item(b, () =>
      ctx.out.table([
        ['account', b.account],
        ['balance', b.balance],
        [
          'owners',
          b.owners.length === 0
            ? isWriterAccount(b.account)
              ? 'its writer'
              : '-'
            : b.owners.map(short).join(', ')
        ],
        ['changed at', changed],
        ...(b.at === undefined ? [] : [['state', asOfNote(b.at, b.final)]])
      ])
    )
  }
}
