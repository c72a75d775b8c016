import { pageLimit } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { HISTORY_OPTIONS, historyRangeOf, printPage } from '../page.js'

export const history: Command = {
  name: 'history',
  args: '<key>',
  arity: [1, 1],
  summary:
    'List the entries that changed a record (or, with --account, an account), newest first, a page at a time.',
  options: {
    account: { type: 'boolean', description: '<key> names an account, not a record' },
    ...HISTORY_OPTIONS
  },
  async run(ctx) {
    const key = ctx.positionals[0]
    const range = { ...historyRangeOf(ctx), limit: pageLimit(ctx) }
    const account = ctx.values.account === true
    const page = await withLedger(ctx.dir, ({ ops }) =>
      account ? ops.accountHistory(key, range) : ops.history(key, range)
    )
    printPage(ctx, page, `autoledger history${account ? ' --account' : ''} ${key}`, true)
  }
}
