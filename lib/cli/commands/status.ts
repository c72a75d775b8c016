import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { LedgerError } from '../../errors.js'
import type { StatusJson } from '../../api/operations.js'

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
    const alarms = alarmSummary(s)
    ctx.out.item(out, () => {
      const role = s.role === null ? 'not a member' : `${s.role}${s.indexer ? ', indexer' : ''}`
      return ctx.out.table([
        ['ledger', s.key],
        ['writer key', s.writerKey],
        ['role', `${role}${s.writable ? '' : ' (not writable yet)'}`],
        ['view key', s.viewKey],
        ['length', String(s.length)],
        ['head', s.head],
        ['final length', String(s.finalLength)],
        ['final head', s.finalHead],
        ['health', alarms ?? 'ok'],
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
        ],
        ...(s.upgradeRequired === null ? [] : [['UPGRADE', s.upgradeRequired]])
      ])
    })
    if (ctx.values.check === true && alarms !== null) throw new LedgerError('ALARM', alarms)
  }
}

/** One line naming each raised alarm, or null when none is. */
function alarmSummary(s: Pick<StatusJson, 'diverged' | 'stalled'>): string | null {
  const parts: string[] = []
  const d = s.diverged
  if (d !== null) {
    parts.push(
      `DIVERGED at position ${d.position}: own head ${d.head.slice(0, 16)}... differed from the signed ${d.signedHead.slice(0, 16)}... at length ${d.length}; ` +
        `${d.followed ? 'follows the signed ledger now' : 'not on the signed ledger yet'} (see the daemon log)`
    )
  }
  const st = s.stalled
  if (st !== null) {
    const secs = Math.max(0, Math.round((Date.now() - Date.parse(st.since)) / 1000))
    parts.push(
      `STALLED: final length ${st.finalLength} for ${secs} s while a peer is final at ${st.peerFinalLength}`
    )
  }
  return parts.length === 0 ? null : parts.join('; ')
}
