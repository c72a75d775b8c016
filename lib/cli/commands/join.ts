import { dataPaths, readConfig, newConfig, writeConfig, applyFlags } from '../../datadir/config.js'
import type { ConfigFlags } from '../../datadir/config.js'
import { LedgerError } from '../../errors.js'
import { hexKey } from '../command.js'
import type { Command } from '../command.js'
import { displayDir } from '../output.js'
import { NETWORK_OPTIONS, networkFlags } from '../network-flags.js'
import type { NodeKeys } from './init.js'

/** Create (or reopen) a node in `dir` that follows ledger `key`, and save its config. */
export async function joinLedger(
  dir: string,
  key: string,
  flags: ConfigFlags
): Promise<NodeKeys & { bootstrap: string | null; mirror: boolean }> {
  const paths = dataPaths(dir)
  const existing = await readConfig(paths)
  if (existing !== null && existing.key !== key)
    throw new LedgerError(
      'ALREADY_INITIALIZED',
      `${dir} already holds ledger ${existing.key}: use another --dir`
    )
  const { openLocal } = await import('../../api/local.js')
  const local = await openLocal(paths, { key })
  try {
    const config = existing === null ? newConfig(key, flags) : applyFlags(existing, flags)
    await writeConfig(paths, config)
    return {
      key,
      writerKey: local.node.writerKey.toString('hex'),
      dir,
      bootstrap: config.bootstrap,
      mirror: config.mirror
    }
  } finally {
    await local.close()
  }
}

export const join: Command = {
  name: 'join',
  args: '<ledger-key>',
  arity: [1, 1],
  summary:
    'Create a node that follows an existing ledger, and print its writer key for an admin to add.',
  options: {
    ...NETWORK_OPTIONS,
    mirror: {
      type: 'boolean',
      description:
        'a read-only mirror: it keeps and serves the whole ledger and never writes (saved in config.json)'
    }
  },
  details: [
    'The node replicates the ledger once `run` starts. To write, an admin runs',
    '`autoledger add-writer <writer-key>` on their node. A --mirror node never writes.'
  ],
  async run(ctx) {
    const key = hexKey(ctx.positionals[0], 'ledger key')
    const flags = { ...networkFlags(ctx), ...(ctx.values.mirror === true ? { mirror: true } : {}) }
    const { bootstrap, mirror, ...keys } = await joinLedger(ctx.dir, key, flags)
    const next = `next: autoledger run --dir ${displayDir(ctx.dir)}${bootstrap === null ? ' --bootstrap <host:port>' : ''}`
    if (mirror) {
      ctx.out.item({ key, dir: keys.dir, mode: 'mirror' }, () =>
        ctx.out.table([
          ['ledger key', key],
          ['mode', 'read-only mirror'],
          ['data dir', displayDir(ctx.dir)]
        ])
      )
      if (!ctx.out.json) ctx.out.note(next)
      return
    }
    ctx.out.item(keys, () =>
      ctx.out.table([
        ['ledger key', keys.key],
        ['writer key', keys.writerKey],
        ['data dir', displayDir(ctx.dir)]
      ])
    )
    if (!ctx.out.json) {
      ctx.out.note(next)
      ctx.out.note(`then an admin runs: autoledger add-writer ${keys.writerKey}`)
    }
  }
}
