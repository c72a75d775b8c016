import { hexKey, str, usageError } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'

const ACTIONS = ['block', 'unblock', 'allow', 'disallow'] as const

export const peers: Command = {
  name: 'peers',
  summary:
    'List connected peers by swarm key; block, unblock, allow or disallow one (needs a running daemon).',
  options: {
    block: {
      type: 'string',
      value: '<swarm-key>',
      description:
        'stop replicating with this peer: drop it and refuse it until unblocked (kept in config.json across restarts)'
    },
    unblock: { type: 'string', value: '<swarm-key>', description: 'let a blocked peer back in' },
    allow: {
      type: 'string',
      value: '<swarm-key>',
      description:
        'put this peer on the allowlist: once the list has a key, only listed peers connect (kept in config.json)'
    },
    disallow: {
      type: 'string',
      value: '<swarm-key>',
      description: 'take this peer off the allowlist and drop it'
    }
  },
  details: [
    'A swarm key names a node on the network (its `swarmKey` here); it is not its writer key.',
    'Blocking cuts replication with that peer in both directions, without stopping either process.',
    'A blocked peer stays refused even when it is on the allowlist.'
  ],
  async run(ctx) {
    const given = ACTIONS.flatMap((action) => {
      const key = str(ctx, action)
      return key === undefined ? [] : [{ action, key: hexKey(key, 'swarm key') }]
    })
    if (given.length > 1)
      throw usageError('give one of --block, --unblock, --allow, --disallow, not several')
    const p = await withLedger(ctx.dir, ({ ops }) =>
      given.length === 0 ? ops.peers() : ops[given[0].action](given[0].key)
    )
    ctx.out.item(p, () =>
      ctx.out.table([
        ['swarm key', p.swarmKey],
        ...p.connected.map((k) => ['connected', k]),
        ...p.blocked.map((k) => ['blocked', k]),
        ...(p.allowed === null
          ? []
          : p.allowed.length === 0
            ? [['allowed', 'none: no peer may connect']]
            : p.allowed.map((k) => ['allowed', k]))
      ])
    )
  }
}
