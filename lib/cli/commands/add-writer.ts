import { hexKey } from '../command.js'
import type { Command } from '../command.js'
import { WRITE_OPTIONS, WRITE_DETAILS, write } from '../write.js'

export const addWriter: Command = {
  name: 'add-writer',
  args: '<writer-key>',
  arity: [1, 1],
  summary: 'Add a writer (admins only): the key another node printed on `autoledger join`.',
  options: {
    indexer: {
      type: 'boolean',
      description:
        'also make it an indexer (indexers sign what is final; a majority must be online)'
    },
    admin: {
      type: 'boolean',
      description: 'give it the admin role (may add and remove writers, mint)'
    },
    ...WRITE_OPTIONS
  },
  details: WRITE_DETAILS,
  async run(ctx) {
    const key = hexKey(ctx.positionals[0], 'writer key')
    const roles = { admin: ctx.values.admin === true, indexer: ctx.values.indexer === true }
    await write(ctx, (ops, opts) => ops.addWriter(key, roles, opts))
  }
}
