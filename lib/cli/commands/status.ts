import type { Command } from '../command.js'
import { withLedger } from '../connect.js'

export const status: Command = {
  name: 'status',
  summary: 'Show the node: ledger and writer keys, role, length, head hashes, peers, members.',
  details: [
    '`length`/`head` include entries that are not final yet (their order can still change);',
    '`finalLength`/`finalHead` are signed by the indexer quorum and never change.'
  ],
  async run (ctx) {
    const { s, daemon } = await withLedger(ctx.dir, async ({ ops, daemon }) => ({ s: await ops.status(), daemon }))
    const out = { ...s, daemon: daemon === null ? null : { pid: daemon.pid, url: daemon.url } }
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
        ['supply', s.supply],
        ['peers', String(s.peers)],
        ['members', s.members.map(m => `${m.key.slice(0, 8)} ${m.role}${m.indexer ? '+indexer' : ''}`).join(', ')],
        ['daemon', daemon === null ? 'not running (read the store directly)' : `${daemon.url} (pid ${daemon.pid})`],
        ...(s.upgradeRequired === null ? [] : [['UPGRADE', s.upgradeRequired]])
      ])
    })
  }
}
