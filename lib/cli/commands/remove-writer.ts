import { hexKey } from '../command.js'
import type { Command } from '../command.js'
import { WRITE_OPTIONS, WRITE_DETAILS, write } from '../write.js'

export const removeWriter: Command = {
  name: 'remove-writer',
  args: '<writer-key>',
  arity: [1, 1],
  summary:
    'Remove a writer (admins only). Its earlier entries stay; later blocks of it are not applied.',
  options: WRITE_OPTIONS,
  details: WRITE_DETAILS,
  async run(ctx) {
    const key = hexKey(ctx.positionals[0], 'writer key')
    await write(ctx, (ops, opts) => ops.removeWriter(key, opts))
  }
}
