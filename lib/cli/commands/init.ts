import fs from 'fs/promises'
import { dataPaths, newConfig, writeConfig, requireNoLedger } from '../../datadir/config.js'
import type { ConfigFlags } from '../../datadir/config.js'
import type { Command } from '../command.js'
import { displayDir } from '../output.js'
import { NETWORK_OPTIONS, networkFlags } from '../network-flags.js'
import { createSecret } from '../../datadir/secret.js'

export interface NodeKeys {
  key: string
  writerKey: string
  dir: string
  /** Whether the ledger is private (its key in `<dir>/secret`). */
  private: boolean
}

/** Create a new ledger in `dir` and save its config; a private one gets a new key in `<dir>/secret`. */
export async function initLedger(
  dir: string,
  flags: ConfigFlags,
  isPrivate = false
): Promise<NodeKeys> {
  const paths = dataPaths(dir)
  await requireNoLedger(paths)
  const { openLocal } = await import('../../api/local.js')
  if (isPrivate) {
    await fs.mkdir(dir, { recursive: true })
    await createSecret(paths.secret)
  }
  const local = await openLocal(paths, { private: isPrivate })
  try {
    const key = local.node.key.toString('hex')
    await writeConfig(paths, newConfig(key, flags, isPrivate))
    return { key, writerKey: local.node.writerKey.toString('hex'), dir, private: isPrivate }
  } finally {
    await local.close()
  }
}

export const init: Command = {
  name: 'init',
  summary:
    'Create a new ledger in the data directory and print its key. This node becomes its first admin and indexer.',
  options: {
    ...NETWORK_OPTIONS,
    private: {
      type: 'boolean',
      description: 'encrypt the ledger: only nodes given its key file (<dir>/secret) can read it'
    }
  },
  details: [
    'Network flags are saved in <dir>/config.json; `run` uses them.',
    'With --private the key is written to <dir>/secret (mode 0600) and never printed; give a',
    'copy of it to each node that joins (`join <key> --secret-file <file>`).'
  ],
  async run(ctx) {
    const flags = networkFlags(ctx)
    const keys = await initLedger(ctx.dir, flags, ctx.values.private === true)
    ctx.out.item(keys, () =>
      ctx.out.table([
        ['ledger key', keys.key],
        ['writer key', keys.writerKey],
        ['private', keys.private ? `yes (key in ${displayDir(ctx.dir)}/secret)` : 'no'],
        ['data dir', displayDir(ctx.dir)]
      ])
    )
    if (!ctx.out.json)
      ctx.out.note(
        `next: autoledger run --dir ${displayDir(ctx.dir)}${flags.bootstrap === undefined ? ' --bootstrap <host:port>' : ''}`
      )
  }
}
