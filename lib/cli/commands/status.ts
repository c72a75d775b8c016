import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { LedgerError } from '../../errors.js'
import { alarmChecks, healthChecks } from '../../node/readiness.js'
import type { FailedCheck } from '../../node/readiness.js'

export const status: Command = {
  name: 'status',
  summary:
    'Show the node: ledger and writer keys, role, length, head hashes, health, peers, members.',
  options: {
    check: {
      type: 'boolean',
      description:
        'exit 1 (code ALARM) while an alarm is raised (diverged, stalled): for scripts and health checks'
    }
  },
  details: [
    '`length`/`head` include entries that are not final yet (their order can still change);',
    '`finalLength`/`finalHead` are signed by the indexer quorum and never change.',
    'Alarms are watched by the running daemon; without one, status reads the store offline and none is raised.'
  ],
  async run(ctx) {
    const { s, daemon } = await withLedger(ctx.dir, async ({ ops, daemon }) => ({
      s: await ops.status(),
      daemon
    }))
    const out = { ...s, daemon: daemon === null ? null : { pid: daemon.pid, url: daemon.url } }
    const alarms = summary(alarmChecks(s))
    const health = summary(healthChecks(s)) ?? 'ok'
    ctx.out.item(out, () => {
      const role = s.role === null ? 'not a member' : `${s.role}${s.indexer ? ', indexer' : ''}`
      return ctx.out.table([
        ['ledger', s.key],
        ...(s.mode === 'mirror'
          ? [['mode', 'read-only mirror']]
          : [
              ['writer key', s.writerKey],
              ['mode', s.mode],
              ['role', `${role}${s.writable ? '' : ' (not writable yet)'}`]
            ]),
        ['private', s.private ? 'yes' : 'no'],
        ['view key', s.viewKey],
        ['length', String(s.length)],
        ['head', s.head],
        ['final length', String(s.finalLength)],
        ['final head', s.finalHead],
        ['health', health],
        ['supply', s.supply],
        ['peers', String(s.peers)],
        [
          'members',
          s.members
            .map((m) => `${m.key.slice(0, 8)} ${m.role}${m.indexer ? '+indexer' : ''}`)
            .join(', ')
        ],
        [
          'daemon',
          daemon === null
            ? 'not running (read the store directly)'
            : `${daemon.url} (pid ${daemon.pid})`
        ]
      ])
    })
    if (ctx.values.check === true && alarms !== null) throw new LedgerError('ALARM', alarms)
  }
}

/** The failed checks' messages on one line, or null when none failed. */
function summary(failed: FailedCheck[]): string | null {
  return failed.length === 0 ? null : failed.map((f) => f.message).join('; ')
}
