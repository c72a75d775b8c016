import { dataPaths, readConfig, newConfig, writeConfig } from '../../datadir/config.js'
import type { ConfigFlags } from '../../datadir/config.js'
import { LedgerError } from '../../errors.js'
import type { Command } from '../command.js'
import { displayDir } from '../output.js'
import { NETWORK_OPTIONS, networkFlags } from '../network-flags.js'

export interface NodeKeys {
  key: string
  writerKey: string
  dir: string
}

/** Create a new ledger in `dir` and save its config. */
export async function initLedger(dir: string, flags: ConfigFlags): Promise<NodeKeys> {
  const paths = dataPaths(dir)
  const existing = await readConfig(paths)
  if (existing !== null)
    throw new LedgerError(
      'ALREADY_INITIALIZED',
      `${dir} already holds ledger ${existing.key}: use another --dir`
    )
  const { openLocal } = await import('../../api/local.js')
  const local = await openLocal(paths)
  try {
    const key = local.node.key.toString('hex')
    await writeConfig(paths, newConfig(key, flags))
    return { key, writerKey: local.node.writerKey.toString('hex'), dir }
  } finally {
    await local.close()
  }
}

export const init: Command = {
  name: 'init',
  summary:
    'Create a new ledger in the data directory and print its key. This node becomes its first admin and indexer.',
  options: NETWORK_OPTIONS,
  details: ['Network flags are saved in <dir>/config.json; `run` uses them.'],
  async run(ctx) {
    const flags = networkFlags(ctx)
    const keys = await initLedger(ctx.dir, flags)
    ctx.out.item(keys, () =>
      ctx.out.table([
        ['ledger key', keys.key],
        ['writer key', keys.writerKey],
        ['data dir', displayDir(ctx.dir)]
      ])
    )
    if (!ctx.out.json)
      ctx.out.note(
        `next: autoledger run --dir ${displayDir(ctx.dir)}${flags.bootstrap === undefined ? ' --bootstrap <host:port>' : ''}`
      )
  }
}
