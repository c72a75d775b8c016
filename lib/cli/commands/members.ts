import type { Command } from '../command.js'
import { withLedger } from '../connect.js'

export const members: Command = {
  name: 'members',
  summary: "List the ledger's writers: key, role, indexer, position added, finality.",
  async run(ctx) {
    const { members } = await withLedger(ctx.dir, ({ ops }) => ops.members())
    if (ctx.out.json) for (const m of members) ctx.out.item(m, '')
    else
      ctx.out.text(
        ctx.out.table(
          members.map((m) => [
            m.key,
            m.role,
            m.indexer ? 'indexer' : '-',
            `since ${m.since}`,
            m.final ? 'final' : 'pending'
          ])
        )
      )
  }
}
