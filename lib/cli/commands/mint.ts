import { amountArg, str } from '../command.js'
import type { Command } from '../command.js'
import { WRITE_OPTIONS, WRITE_DETAILS, write, ownAccount } from '../write.js'

export const mint: Command = {
  name: 'mint',
  args: '<amount>',
  arity: [1, 1],
  summary: 'Create new value in an account (admins only).',
  options: {
    to: {
      type: 'string',
      value: '<account>',
      description: "account to credit (default: this node's writer account)"
    },
    ...WRITE_OPTIONS
  },
  details: WRITE_DETAILS,
  async run(ctx) {
    const amount = amountArg(ctx.positionals[0])
    const to = str(ctx, 'to')
    await write(ctx, async (ops, opts) =>
      ops.submit({ type: 'mint', account: to ?? (await ownAccount(ops)), amount }, opts)
    )
  }
}
