import { pageLimit } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { PAGE_OPTIONS, rangeOf, printPage } from '../page.js'

export const log: Command = {
  name: 'log',
  summary:
    'List ledger entries in order, a page at a time: position, outcome, finality, transaction, author.',
  options: PAGE_OPTIONS,
  async run(ctx) {
    const range = { ...rangeOf(ctx), limit: pageLimit(ctx) }
    const page = await withLedger(ctx.dir, ({ ops }) => ops.entries(range))
    printPage(ctx, page, 'autoledger log')
  }
}
