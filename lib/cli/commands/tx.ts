import { txId, hexKey, str } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { describe } from '../output.js'

export const tx: Command = {
  name: 'tx',
  args: '<id>',
  arity: [1, 1],
  summary: 'Show a transaction by id: its entry, outcome and hashes.',
  options: {
    author: {
      type: 'string',
      value: '<writer-key>',
      description:
        "the writer's transaction with this id (ids are per writer; default: the first use in ledger order)"
    }
  },
  async run(ctx) {
    const id = txId(ctx.positionals[0])
    const given = str(ctx, 'author')
    const author = given === undefined ? undefined : hexKey(given, 'writer key', '--author')
    const e = await withLedger(ctx.dir, ({ ops }) => ops.transaction(id, author))
    ctx.out.item(e, () =>
      ctx.out.table([
        ['id', e.id ?? '-'],
        ['position', String(e.position)],
        ['outcome', e.outcome + (e.reason === null ? '' : ` (${e.reason})`)],
        ['final', e.final ? 'yes' : 'not yet'],
        ['transaction', describe(e)],
        ['writer', `${e.writer} (block ${e.writerPosition}, #${e.index})`],
        ['hash', e.hash],
        ['prev hash', e.prevHash]
      ])
    )
  }
}
