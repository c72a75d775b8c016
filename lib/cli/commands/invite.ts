import { DEFAULT_INVITE_TTL_MS } from '../../node/invites.js'
import type { Invite } from '../../ledger/results.js'
import { str, int, usageError } from '../command.js'
import type { Command, CommandContext } from '../command.js'
import { withLedger } from '../connect.js'
import { displayDir } from '../output.js'

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `--expires`: a number and a unit (30m, 24h, 7d), or `never`; in ms, 0 for never. */
export function parseExpiry(text: string): number {
  if (text === 'never') return 0
  const match = /^([0-9]{1,6})([smhd])$/.exec(text)
  if (match === null || Number(match[1]) === 0)
    throw usageError(`--expires must be a duration like 30m, 24h or 7d, or never; got "${text}"`)
  return Number(match[1]) * UNITS[match[2]]
}

export function inviteRows(invite: Invite): string[][] {
  return [
    ['invite id', invite.id],
    ['role', `${invite.role}${invite.indexer ? ', indexer' : ''}`],
    ['expires', invite.expires === null ? 'never' : new Date(invite.expires).toISOString()],
    ['used', `${invite.used} of ${invite.uses}`],
    ['revoked', invite.revokedAt === null ? 'no' : `at entry ${invite.revokedAt}`]
  ]
}

export const invite: Command = {
  name: 'invite',
  summary:
    'Create an invite (admins only): one code that lets a new node join as a writer with no key copied by hand.',
  options: {
    role: {
      type: 'string',
      value: '<writer|admin>',
      description: 'what the new node may do (default writer)'
    },
    indexer: { type: 'boolean', description: 'the new node is also an indexer' },
    expires: {
      type: 'string',
      value: '<duration>',
      description: `how long the code works: 30m, 24h, 7d or never (default ${DEFAULT_INVITE_TTL_MS / 3_600_000}h)`
    },
    uses: {
      type: 'string',
      value: '<n>',
      description: 'how many nodes may join with it (default 1)'
    },
    revoke: {
      type: 'string',
      value: '<id|code>',
      description: 'revoke an invite instead: no node can join with it any more'
    }
  },
  details: [
    'The invite is recorded in the ledger (its id, public key, role, expiry and uses, never the',
    'code), and each node that joins by it is added by an add-writer that names it. The code is',
    'printed once: whoever holds it can join until it is used up, expires or is revoked. This',
    "node's daemon must be running for a joining node to be let in."
  ],
  async run(ctx) {
    const revoke = str(ctx, 'revoke')
    if (revoke !== undefined) return revokeInvite(ctx, revoke)
    const role = str(ctx, 'role') ?? 'writer'
    if (role !== 'writer' && role !== 'admin') throw usageError('--role must be writer or admin')
    const expires = str(ctx, 'expires')
    const opts = {
      role,
      indexer: ctx.values.indexer === true,
      expiresIn: expires === undefined ? DEFAULT_INVITE_TTL_MS : parseExpiry(expires),
      uses: int(ctx, 'uses') ?? 1
    } as const
    const created = await withLedger(ctx.dir, ({ ops }) => ops.createInvite(opts))
    ctx.out.item(created, () =>
      ctx.out.table([['invite code', created.code], ...inviteRows(created)])
    )
    if (!ctx.out.json) {
      ctx.out.note(
        `on the new node: autoledger join --invite ${created.code} --dir <dir> --bootstrap <host:port>`
      )
      ctx.out.note(
        `keep \`autoledger run --dir ${displayDir(ctx.dir)}\` running so that it can let the node in`
      )
    }
  }
}

async function revokeInvite(ctx: CommandContext, idOrCode: string): Promise<void> {
  const revoked = await withLedger(ctx.dir, ({ ops }) => ops.revokeInvite(idOrCode))
  ctx.out.item(revoked, () => ctx.out.table(inviteRows(revoked)))
}

export const invites: Command = {
  name: 'invites',
  summary:
    'List the invites the ledger records: role, expiry, uses, revocation (never their codes).',
  details: ['With --json, one invite per line.'],
  async run(ctx) {
    const { invites: list } = await withLedger(ctx.dir, ({ ops }) => ops.invites())
    if (ctx.out.json) {
      for (const i of list) ctx.out.item(i, '')
      return
    }
    if (list.length === 0) return ctx.out.note('no invites')
    ctx.out.text(
      ctx.out.table(
        list.map((i) => [
          i.id,
          `${i.role}${i.indexer ? '+indexer' : ''}`,
          `${i.used}/${i.uses} used`,
          i.revokedAt !== null
            ? 'revoked'
            : i.expires !== null && i.expires < Date.now()
              ? 'expired'
              : i.used >= i.uses
                ? 'used up'
                : 'open'
        ])
      )
    )
  }
}
