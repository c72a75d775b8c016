import fs from 'fs/promises'
import {
  dataPaths,
  readConfig,
  newConfig,
  writeConfig,
  applyFlags,
  dhtOptions,
  requireNoLedger
} from '../../datadir/config.js'
import type { ConfigFlags, DataPaths } from '../../datadir/config.js'
import { DirLock } from '../../datadir/lock.js'
import { readKeyFile, saveSecret } from '../../datadir/secret.js'
import { LedgerError } from '../../errors.js'
import { DEFAULT_JOIN_TIMEOUT_MS, pairWithInvite } from '../../node/invites.js'
import { hexKey, int, str, usageError } from '../command.js'
import type { Command, CommandContext } from '../command.js'
import { displayDir } from '../output.js'
import { NETWORK_OPTIONS, networkFlags } from '../network-flags.js'
import type { NodeKeys } from './init.js'

/**
 * Create (or reopen) a node in `dir` that follows ledger `key`, and save its config. A private
 * ledger's key (read from a key file) is copied into `<dir>/secret`.
 */
export async function joinLedger(
  dir: string,
  key: string,
  flags: ConfigFlags,
  encryptionKey: Buffer | null = null
): Promise<NodeKeys & { bootstrap: string | null; mirror: boolean }> {
  const paths = dataPaths(dir)
  const existing = await readConfig(paths)
  if (existing !== null && existing.key !== key)
    throw new LedgerError(
      'ALREADY_INITIALIZED',
      `${dir} already holds ledger ${existing.key}: use another --dir`
    )
  const isPrivate = encryptionKey !== null || existing?.private === true
  if (encryptionKey !== null) await keepSecret(paths, encryptionKey)
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
      bootstrap: config.bootstrap,
      mirror: config.mirror
    }
  } finally {
    await local.close()
  }
}

/**
 * Join by an invite code: pair with an admin (which adds this node's writer key by an add-writer
 * naming the invite, and hands over a private ledger's key), save the config, then follow the
 * ledger until this node is a writer. A refused invite leaves the directory without a ledger.
 */
export async function joinByInvite(
  dir: string,
  code: string,
  flags: ConfigFlags,
  { timeout, onStep }: { timeout: number; onStep: (text: string) => void }
): Promise<NodeKeys> {
  const paths = dataPaths(dir)
  await requireNoLedger(paths)
  const network = dhtOptions(
    {
      bootstrap: flags.bootstrap ?? null,
      host: flags.host ?? null,
      dhtPort: flags.dhtPort ?? null,
      reachable: flags.reachable ?? null
    },
    dir
  )
  onStep("asking the ledger's admins to let this node in")
  const paired = await withLock(paths, () =>
    pairWithInvite(code, { storage: paths.store, network, timeout })
  )
  const key = paired.key.toString('hex')
  const isPrivate = paired.encryptionKey !== null
  if (paired.encryptionKey !== null) await keepSecret(paths, paired.encryptionKey)
  const config = newConfig(key, flags, isPrivate)
  await writeConfig(paths, config)
  onStep(`let in to ledger ${key}; syncing until this node is a writer`)
  const { openLocal } = await import('../../api/local.js')
  const local = await openLocal(paths, {
    key,
    network,
    private: isPrivate,
    allow: config.allow,
    durable: config.durable ?? true
  })
  try {
    await local.node.waitUntil(
      async () => (local.node.writable ? true : null),
      timeout,
      'the add-writer to reach this node (it stays joined: `autoledger run` syncs it)'
    )
    return { key, writerKey: local.node.writerKey.toString('hex'), dir, private: isPrivate }
  } finally {
    await local.close()
  }
}

async function keepSecret(paths: DataPaths, key: Uint8Array): Promise<void> {
  await fs.mkdir(paths.dir, { recursive: true })
  await saveSecret(paths.secret, key)
}

async function withLock<T>(paths: DataPaths, fn: () => Promise<T>): Promise<T> {
  await fs.mkdir(paths.dir, { recursive: true })
  const lock = new DirLock(paths.lock, paths.dir)
  await lock.acquire()
  try {
    return await fn()
  } finally {
    await lock.release()
  }
}

export const join: Command = {
  name: 'join',
  args: '[<ledger-key>]',
  arity: [0, 1],
  summary:
    'Join an existing ledger: by an invite code (a writer at once), or by its key (then an admin adds the writer key it prints, unless it is a --mirror).',
  options: {
    invite: {
      type: 'string',
      value: '<code>',
      description: "the code `autoledger invite` printed on an admin's node: no key to copy"
    },
    timeout: {
      type: 'string',
      value: '<ms>',
      description: `with --invite: how long to wait for an admin's answer, then to become a writer (default ${DEFAULT_JOIN_TIMEOUT_MS})`
    },
    mirror: {
      type: 'boolean',
      description:
        'with a ledger key: a read-only mirror that keeps and serves the whole ledger and never writes (saved in config.json)'
    },
    'secret-file': {
      type: 'string',
      value: '<file>',
      description:
        "with a ledger key: a private ledger's key file (its creator's <dir>/secret), copied to <dir>/secret, mode 0600"
    },
    ...NETWORK_OPTIONS
  },
  details: [
    "With --invite the node pairs with an admin's running daemon over the swarm (blind pairing),",
    "which adds it (and hands over a private ledger's key); needs --bootstrap. With a ledger key",
    'the node replicates once `run` starts; to write, an admin runs `autoledger add-writer',
    '<writer-key>` on their node. A --mirror node never writes. A private ledger is readable only',
    'with its key: joined by key without --secret-file, the node finds nothing to read.'
  ],
  async run(ctx) {
    const code = str(ctx, 'invite')
    if (code !== undefined) return joinInvite(ctx, code)
    if (ctx.positionals.length === 0) throw usageError('give a ledger key, or --invite <code>')
    const key = hexKey(ctx.positionals[0], 'ledger key')
    const secretFile = str(ctx, 'secret-file')
    const encryptionKey = secretFile === undefined ? null : await readKeyFile(secretFile)
    const flags = { ...networkFlags(ctx), ...(ctx.values.mirror === true ? { mirror: true } : {}) }
    const { bootstrap, mirror, ...keys } = await joinLedger(ctx.dir, key, flags, encryptionKey)
    const next = `next: autoledger run --dir ${displayDir(ctx.dir)}${bootstrap === null ? ' --bootstrap <host:port>' : ''}`
    if (mirror) {
      ctx.out.item({ key, dir: keys.dir, mode: 'mirror', private: keys.private }, () =>
        ctx.out.table([
          ['ledger key', key],
          ['mode', 'read-only mirror'],
          ['private', privateText(ctx, keys)],
          ['data dir', displayDir(ctx.dir)]
        ])
      )
      if (!ctx.out.json) ctx.out.note(next)
      return
    }
    printKeys(ctx, keys)
    if (!ctx.out.json) {
      ctx.out.note(next)
      ctx.out.note(`then an admin runs: autoledger add-writer ${keys.writerKey}`)
    }
  }
}

async function joinInvite(ctx: CommandContext, code: string): Promise<void> {
  if (ctx.positionals.length > 0) throw usageError('give either a ledger key or --invite, not both')
  if (ctx.values.mirror === true || ctx.values['secret-file'] !== undefined)
    throw usageError(
      '--invite joins as a writer and brings its own key: --mirror and --secret-file go with a ledger key'
    )
  const keys = await joinByInvite(ctx.dir, code, networkFlags(ctx), {
    timeout: int(ctx, 'timeout') ?? DEFAULT_JOIN_TIMEOUT_MS,
    onStep: (text) => {
      if (!ctx.out.json) ctx.out.note(`join: ${text}`)
    }
  })
  printKeys(ctx, keys)
  if (!ctx.out.json) ctx.out.note(`next: autoledger run --dir ${displayDir(ctx.dir)}`)
}

function privateText(ctx: CommandContext, keys: NodeKeys): string {
  return keys.private ? `yes (key in ${displayDir(ctx.dir)}/secret)` : 'no'
}

function printKeys(ctx: CommandContext, keys: NodeKeys): void {
  ctx.out.item(keys, () =>
    ctx.out.table([
      ['ledger key', keys.key],
      ['writer key', keys.writerKey],
      ['private', privateText(ctx, keys)],
      ['data dir', displayDir(ctx.dir)]
    ])
  )
}
