import { amountArg, str } from '../command.js'
import type { Command } from '../command.js'
import { WRITE_OPTIONS, WRITE_DETAILS, write, ownAccount } from '../write.js'

export const transfer: Command = {
  name: 'transfer',
  args: '<to> <amount>',
  arity: [2, 2],
  summary: 'Move value to another account: a writer key (64 hex) or a named account.',
  options: {
    from: {
      type: 'string',
      value: '<account>',
      description: "account to debit; this node must own it (default: this node's writer account)"
    },
    memo: {
      type: 'string',
      value: '<text>',
      description: 'a note kept with the transfer (up to 256 bytes)'
    },
    ...WRITE_OPTIONS
  },
  details: WRITE_DETAILS,
  async run(ctx) {
    const [to, text] = ctx.positionals
    const amount = amountArg(text)
    const from = str(ctx, 'from')
    const memo = str(ctx, 'memo')
    await write(ctx, async (ops, opts) =>
      ops.submit(
        {
          type: 'transfer',
          from: from ?? (await ownAccount(ops)),
          to,
          amount,
          ...(memo === undefined ? {} : { memo })
        },
        opts
      )
    )
  }
}
