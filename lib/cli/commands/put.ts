import type { Command } from '../command.js'
import { WRITE_OPTIONS, WRITE_DETAILS, write } from '../write.js'

export const put: Command = {
  name: 'put',
  args: '<key> <value>',
  arity: [2, 2],
  summary:
    'Write a record. <value> is taken as JSON when it parses as JSON (42, true, {"a":1}, "text"), else as a plain string.',
  options: WRITE_OPTIONS,
  details: WRITE_DETAILS,
  async run(ctx) {
    const [key, text] = ctx.positionals
    await write(ctx, (ops, opts) => ops.submit({ type: 'put', key, value: parseValue(text) }, opts))
  }
}

export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
