import { AT_OPTION, asOfNote, int } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'

export const members: Command = {
  name: 'members',
  summary:
    "List the ledger's writers (now, or as of a past position): key, role, indexer, position added, finality.",
  options: AT_OPTION,
  details: [
    'With --at and --json, one object: { at, final, members }; without --at, one member per line.'
  ],
  async run(ctx) {
    const at = int(ctx, 'at')
    const list = await withLedger(ctx.dir, ({ ops }) => ops.members(at))
    if (ctx.out.json) {
      if (at !== undefined) ctx.out.item(list, '')
      else for (const m of list.members) ctx.out.item(m, '')
      return
    }
    if (list.members.length === 0) ctx.out.note('no members')
    else
      ctx.out.text(
        ctx.out.table(
          list.members.map((m) => [
            m.key,
            m.role,
            m.indexer ? 'indexer' : '-',
            `since ${m.since}`,
            m.final ? 'final' : 'pending'
          ])
        )
      )
    if (list.at !== undefined) ctx.out.note(asOfNote(list.at, list.final === true))
  }
}
