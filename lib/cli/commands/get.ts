import type { Command } from '../command.js'
import { withLedger } from '../connect.js'

export const get: Command = {
  name: 'get',
  args: '<key>',
  arity: [1, 1],
  summary: "Print a record's value as JSON (stdout); its position and finality go to stderr.",
  async run(ctx) {
    const record = await withLedger(ctx.dir, ({ ops }) => ops.get(ctx.positionals[0]))
    ctx.out.item(record, () => JSON.stringify(record.value))
    if (!ctx.out.json)
      ctx.out.note(`position ${record.position}, ${record.final ? 'final' : 'not final yet'}`)
  }
}
