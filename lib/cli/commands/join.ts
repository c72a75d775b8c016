import fs from 'fs/promises'
import { dataPaths, readConfig, newConfig, writeConfig, applyFlags } from '../../datadir/config.js'
import type { ConfigFlags } from '../../datadir/config.js'
import { LedgerError } from '../../errors.js'
import { hexKey, str } from '../command.js'
import type { Command } from '../command.js'
import { displayDir } from '../output.js'
import { NETWORK_OPTIONS, networkFlags } from '../network-flags.js'
import type { NodeKeys } from './init.js'
import { readKeyFile, saveSecret } from '../../datadir/secret.js'

/**
 * Create (or reopen) a node in `dir` that follows ledger `key`, and save its config. A private
 * ledger's key (read from a key file) is copied into `<dir>/secret`.
 */
export async function joinLedger(
  dir: string,
  key: string,
  flags: ConfigFlags,
  encryptionKey: Buffer | null = null
): Promise<NodeKeys & { bootstrap: string | null }> {
  const paths = dataPaths(dir)
  const existing = await readConfig(paths)
  if (existing !== null && existing.key !== key)
    throw new LedgerError(
      'ALREADY_INITIALIZED',
      `${dir} already holds ledger ${existing.key}: use another --dir`
    )
  const isPrivate = encryptionKey !== null || existing?.private === true
  if (encryptionKey !== null) {
    await fs.mkdir(dir, { recursive: true })
    await saveSecret(paths.secret, encryptionKey)
  }
  const { openLocal } = await import('../../api/local.js')
  const local = await openLocal(paths, { key, private: isPrivate })
  try {
    const config =
      existing === null ? newConfig(key, flags, isPrivate) : applyFlags(existing, flags)
    await writeConfig(paths, { ...config, private: isPrivate })
    return {
      key,
      writerKey: local.node.writerKey.toString('hex'),
      dir,
      private: isPrivate,
      bootstrap: config.bootstrap
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
    'secret-file': {
      type: 'string',
      value: '<file>',
      description:
        "a private ledger's key file (its creator's <dir>/secret): copied to <dir>/secret, mode 0600"
    }
  },
  details: [
    'The node replicates the ledger once `run` starts. To write, an admin runs',
    '`autoledger add-writer <writer-key>` on their node. A private ledger is readable only with',
    'its key: without --secret-file the node finds nothing to read.'
  ],
  async run(ctx) {
    const key = hexKey(ctx.positionals[0], 'ledger key')
    const secretFile = str(ctx, 'secret-file')
    const encryptionKey = secretFile === undefined ? null : await readKeyFile(secretFile)
    const { bootstrap, ...keys } = await joinLedger(ctx.dir, key, networkFlags(ctx), encryptionKey)
    ctx.out.item(keys, () =>
      ctx.out.table([
        ['ledger key', keys.key],
        ['writer key', keys.writerKey],
        ['private', keys.private ? `yes (key in ${displayDir(ctx.dir)}/secret)` : 'no'],
        ['data dir', displayDir(ctx.dir)]
      ])
    )
    if (!ctx.out.json) {
      ctx.out.note(
        `next: autoledger run --dir ${displayDir(ctx.dir)}${bootstrap === null ? ' --bootstrap <host:port>' : ''}`
      )
      ctx.out.note(`then an admin runs: autoledger add-writer ${keys.writerKey}`)
    }
  }
}
