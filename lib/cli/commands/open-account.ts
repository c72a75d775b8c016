import type { Command } from '../command.js'
import { WRITE_OPTIONS, WRITE_DETAILS, write } from '../write.js'

export const openAccount: Command = {
  name: 'open-account',
  args: '<name>',
  arity: [1, 1],
  summary: "Open a named account (1-64 of a-z 0-9 . _ -), owned by this node's writer.",
  options: WRITE_OPTIONS,
  details: WRITE_DETAILS,
  async run(ctx) {
    await write(ctx, (ops, opts) =>
      ops.submit({ type: 'open-account', account: ctx.positionals[0] }, opts)
    )
  }
}
