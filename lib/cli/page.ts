import type { RangeOptions } from '../ledger/results.js'
import type { PageJson, HistoryRange } from '../api/operations.js'
import { int } from './command.js'
import type { CommandContext, OptionSpec } from './command.js'
import { entryRows } from './output.js'

export const PAGE_OPTIONS: Record<string, OptionSpec> = {
  gte: { type: 'string', value: '<position>', description: 'start at this ledger position' },
  lt: { type: 'string', value: '<position>', description: 'stop before this ledger position' },
  limit: {
    type: 'string',
    value: '<n>',
    description: 'entries per page (default 100, at most 1000)'
  },
  reverse: { type: 'boolean', description: 'newest first' }
}

export const HISTORY_OPTIONS: Record<string, OptionSpec> = {
  lt: {
    type: 'string',
    value: '<position>',
    description: 'only entries before this position (the `next` of the previous page)'
  },
  limit: PAGE_OPTIONS.limit
}

export function historyRangeOf(ctx: CommandContext): HistoryRange {
  return { lt: int(ctx, 'lt'), limit: int(ctx, 'limit') }
}

export function rangeOf(ctx: CommandContext): RangeOptions {
  return {
    gte: int(ctx, 'gte'),
    lt: int(ctx, 'lt'),
    limit: int(ctx, 'limit'),
    reverse: ctx.values.reverse === true
  }
}

/**
 * Entries one per line (one JSON object per entry with --json); the next-page hint on stderr.
 * `newestFirst`: the page runs backwards and the next one starts below `next` (--lt).
 */
export function printPage(
  ctx: CommandContext,
  page: PageJson,
  command: string,
  newestFirst = false
): void {
  if (ctx.out.json) for (const e of page.items) ctx.out.item(e, '')
  else if (page.items.length === 0) ctx.out.note('no entries')
  else ctx.out.text(ctx.out.table(entryRows(page.items)))
  if (page.next !== null) {
    const flag = newestFirst
      ? `--lt ${page.next}`
      : ctx.values.reverse === true
        ? `--reverse --lt ${page.next}`
        : `--gte ${page.next}`
    ctx.out.note(`more: ${command} ${flag}`)
  }
}
