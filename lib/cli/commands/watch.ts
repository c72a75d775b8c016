import { int } from '../command.js'
import type { Command } from '../command.js'
import { tokenOf } from '../connect.js'
import { entryRows } from '../output.js'
import { dataPaths, requireConfig } from '../../datadir/config.js'
import { runningDaemon } from '../../datadir/announce.js'
import { followEvents } from '../../http/event-client.js'
import type { FollowedEvent } from '../../http/event-client.js'

export const watch: Command = {
  name: 'watch',
  summary: 'Print ledger entries as they arrive, like `tail -f` (needs a running daemon).',
  options: {
    from: {
      type: 'string',
      value: '<position>',
      description: 'start at this ledger position (default: new entries only)'
    },
    json: { type: 'boolean', description: 'one JSON line per entry (and {"reorder": n} lines)' }
  },
  details: [
    'Runs until interrupted; reconnects by itself (to a restarted daemon too) and resumes after the',
    'last entry it printed. Entries not final yet can be replaced when writers merge: then a line',
    '`reorder: entries from <n> on were replaced` comes, and entries follow again from <n>.'
  ],
  async run(ctx) {
    const paths = dataPaths(ctx.dir)
    await requireConfig(paths) // NOT_INITIALIZED now, rather than waiting for a daemon forever
    const from = int(ctx, 'from')
    const stop = new AbortController()
    const onSignal = (): void => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    let waiting = false
    const print = (event: FollowedEvent): void => {
      if (event.type === 'entry' && 'entry' in event)
        ctx.out.item(event.entry, () => entryRows([event.entry])[0].join('  '))
      else if (event.type === 'reorder' && 'length' in event)
        ctx.out.item(
          { reorder: event.length },
          () => `reorder: entries from ${event.length} on were replaced`
        )
    }
    await followEvents({
      ...(from === undefined ? {} : { from }),
      daemon: async () => {
        const daemon = await runningDaemon(paths)
        return daemon === null ? null : { url: daemon.url, token: await tokenOf(paths) }
      },
      onEvent: print,
      onState: (state) => {
        if (state === 'no-daemon' && !waiting)
          ctx.out.note(`no daemon runs on ${ctx.dir}: waiting for one (\`autoledger run\`)`)
        else if (state === 'disconnected') ctx.out.note('disconnected: reconnecting')
        else if (state === 'connected') ctx.out.note('watching')
        waiting = state === 'no-daemon'
      },
      signal: stop.signal
    })
  }
}
