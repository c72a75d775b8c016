import { hexKey, str, usageError } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'

export const peers: Command = {
  name: 'peers',
  summary: 'List connected peers by swarm key; block or unblock one (needs a running daemon).',
  options: {
    block: {
      type: 'string',
      value: '<swarm-key>',
      description:
        'stop replicating with this peer: drop it and refuse it until unblocked (kept in config.json across restarts)'
    },
    unblock: { type: 'string', value: '<swarm-key>', description: 'let a blocked peer back in' }
  },
  details: [
    'A swarm key names a node on the network (its `swarmKey` here); it is not its writer key.',
    'Blocking cuts replication with that peer in both directions, without stopping either process.'
  ],
  async run(ctx) {
    const block = str(ctx, 'block')
    const unblock = str(ctx, 'unblock')
    if (block !== undefined && unblock !== undefined)
      throw usageError('give --block or --unblock, not both')
    const p = await withLedger(ctx.dir, ({ ops }) => {
      if (block !== undefined) return ops.block(hexKey(block, 'swarm key'))
      if (unblock !== undefined) return ops.unblock(hexKey(unblock, 'swarm key'))
      return ops.peers()
    })
    ctx.out.item(p, () =>
      ctx.out.table([
        ['swarm key', p.swarmKey],
        ...p.connected.map((k) => ['connected', k]),
        ...p.blocked.map((k) => ['blocked', k])
      ])
    )
  }
}
