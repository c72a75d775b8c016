import { int, pageLimit, wholeNumber } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import type { DiffJson } from '../../api/operations.js'

type ChangeJson = DiffJson['items'][number]

export const diff: Command = {
  name: 'diff',
  args: '<from> <to>',
  arity: [2, 2],
  summary:
    'List the records and accounts that differ between the state as of two positions, with both values, a page at a time.',
  options: {
    limit: {
      type: 'string',
      value: '<n>',
      description: 'changes per page (default 100, at most 1000)'
    },
    cursor: {
      type: 'string',
      value: '<position>',
      description: 'go on from here: the `next` of the previous page'
    }
  },
  details: [
    'Each subject appears once, in the order of its first change after <from>, with its value as',
    'of <from>, as of <to>, and the position of its last change before <to>. With --json, one',
    'object: { from, to, final, items, next }.'
  ],
  async run(ctx) {
    const from = wholeNumber(ctx.positionals[0], '<from>')
    const to = wholeNumber(ctx.positionals[1], '<to>')
    const opts = { cursor: int(ctx, 'cursor'), limit: pageLimit(ctx) }
    const page = await withLedger(ctx.dir, ({ ops }) => ops.diff(from, to, opts))
    if (ctx.out.json) ctx.out.item(page, '')
    else if (page.items.length === 0) ctx.out.note('no differences')
    else ctx.out.text(ctx.out.table(page.items.map(changeRow)))
    ctx.out.note(`from position ${from} to ${to}, ${page.final ? 'final' : 'not final yet'}`)
    if (page.next !== null)
      ctx.out.note(`more: autoledger diff ${from} ${to} --cursor ${page.next}`)
  }
}

function changeRow(c: ChangeJson): string[] {
  const [was, is] =
    c.kind === 'record'
      ? [c.from, c.to].map((v) => (v === null ? '(none)' : JSON.stringify(v.value)))
      : [c.from, c.to].map((v) =>
          // Opening an account or adding an owner changes its owners, not its balance.
          c.from.owners.join() === c.to.owners.join()
            ? v.balance
            : `${v.balance} (${v.owners.length} owner${v.owners.length === 1 ? '' : 's'})`
        )
  return [c.kind, c.key, was, '->', is, `changed at ${c.position}`]
}
