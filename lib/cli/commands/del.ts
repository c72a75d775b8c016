import type { Command } from '../command.js'
import { WRITE_OPTIONS, WRITE_DETAILS, write } from '../write.js'

export const del: Command = {
  name: 'del',
  args: '<key>',
  arity: [1, 1],
  summary: 'Delete a record (its history stays).',
  options: WRITE_OPTIONS,
  details: WRITE_DETAILS,
  async run(ctx) {
    await write(ctx, (ops, opts) => ops.submit({ type: 'del', key: ctx.positionals[0] }, opts))
  }
}
