import { AT_OPTION, asOfNote, int } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'

export const get: Command = {
  name: 'get',
  args: '<key>',
  arity: [1, 1],
  summary:
    "Print a record's value as JSON (stdout), now or as of a past position; its position and finality go to stderr.",
  options: AT_OPTION,
  async run(ctx) {
    const at = int(ctx, 'at')
    const record = await withLedger(ctx.dir, ({ ops }) => ops.get(ctx.positionals[0], at))
    ctx.out.item(record, () => JSON.stringify(record.value))
    if (ctx.out.json) return
    if (record.at === undefined)
      ctx.out.note(`position ${record.position}, ${record.final ? 'final' : 'not final yet'}`)
    else ctx.out.note(`${asOfNote(record.at, record.final)}: set at position ${record.position}`)
  }
}
