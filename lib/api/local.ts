import fs from 'fs/promises'
import { LedgerNode } from '../node/node.js'
import type { NetworkOptions } from '../net/network.js'
import { LedgerApi } from './operations.js'
import { DirLock } from '../datadir/lock.js'
import { LedgerError, isStoreLockError, isDiskFull, messageOf } from '../errors.js'
import { notADirectory } from '../datadir/config.js'
import type { DataPaths } from '../datadir/config.js'
import { loadSecret } from '../datadir/secret.js'

export interface LocalNode {
  node: LedgerNode
  api: LedgerApi
  /** The private ledger's key file was readable by others and has been set to 0600. */
  secretTightened: boolean
  /** Close the node (network, then base, then store) and release the directory. Safe to call twice. */
  close(): Promise<void>
}

export interface OpenLocalOptions {
  /** Ledger key (hex) to follow; omitted when creating a new ledger. */
  key?: string
  /** DHT options, or false (the default) to open without a network. */
  network?: NetworkOptions | false
  /** Swarm keys (hex) of peers to refuse from the start. */
  blocked?: string[]
  /** Swarm keys (hex) of the only peers to connect with; null or omitted: any peer. */
  allow?: string[] | null
  /** Open as a read-only mirror (LedgerNodeOptions.mirror). */
  mirror?: boolean
  /** Sync each write to disk before acknowledging it (the config's `durable`). Default true. */
  durable?: boolean
  /** The ledger is private (the config's `private`): open it with the key in `<dir>/secret`. */
  private?: boolean
  /** LedgerNodeOptions.requireSecret (the config's `requireSecret`). Default true. */
  requireSecret?: boolean
}

/**
 * Lock a data directory and open its node. Used by the daemon and by CLI commands when no
 * daemon runs on the directory. Throws LOCKED when another process holds it.
 */
export async function openLocal(paths: DataPaths, opts: OpenLocalOptions = {}): Promise<LocalNode> {
  try {
    await fs.mkdir(paths.dir, { recursive: true })
    const lock = new DirLock(paths.lock, paths.dir)
    await lock.acquire()
    return await openNode(paths, lock, opts)
  } catch (err) {
    throw unusable(paths.dir, err)
  }
}

async function openNode(
  paths: DataPaths,
  lock: DirLock,
  opts: OpenLocalOptions
): Promise<LocalNode> {
  let secret: Awaited<ReturnType<typeof loadSecret>> | null = null
  try {
    if (opts.private === true) secret = await loadSecret(paths.secret)
  } catch (err) {
    await lock.release()
    throw err
  }
  const node = new LedgerNode({
    storage: paths.store,
    ...(secret === null ? {} : { encryptionKey: secret.key }),
    ...(opts.key === undefined ? {} : { key: opts.key }),
    network: opts.network ?? false,
    blocked: opts.blocked ?? [],
    allow: opts.allow ?? null,
    mirror: opts.mirror ?? false,
    requireSecret: opts.requireSecret ?? true,
    durable: opts.durable ?? true
  })
  try {
    await node.ready()
  } catch (err) {
    await node.close().catch(() => {})
    await lock.release()
    if (isStoreLockError(err))
      throw new LedgerError(
        'LOCKED',
        `the store in ${paths.dir} is open in another process: stop it first`,
        { cause: err }
      )
    if (secret !== null && err instanceof LedgerError && err.code === 'INVALID_ARGUMENT')
      throw new LedgerError('BAD_CONFIG', `${paths.secret}: ${err.message}`, { cause: err })
    throw err
  }
  let closing: Promise<void> | null = null
  return {
    node,
    api: new LedgerApi(node),
    secretTightened: secret?.tightened ?? false,
    close: () => (closing ??= node.close().finally(() => lock.release()))
  }
}

const DIR_ERRORS = new Set(['ENOTDIR', 'EEXIST', 'EROFS', 'EACCES', 'EPERM'])

/** A file-system failure opening a data directory, as a code a user can act on (BAD_DIR, DISK_FULL); anything else unchanged. */
function unusable(dir: string, err: unknown): unknown {
  if (err instanceof LedgerError) return err
  if (isDiskFull(err))
    return new LedgerError(
      'DISK_FULL',
      `the disk of ${dir} is full (${messageOf(err)}): free some space, then retry`,
      { cause: err }
    )
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ENOTDIR' || code === 'EEXIST') return notADirectory(dir, err)
  if (code === 'DEVICE_FILE') {
    // hypercore-storage refuses a store whose CORESTORE file is not the one it wrote there: a copy
    // of a writer's store running beside the original would fork that writer's log.
    return new LedgerError(
      'BAD_DIR',
      `the store in ${dir} was copied or restored from elsewhere (${messageOf(err)}): a copy of a node must not run, because two copies writing would fork its log; run the original directory`,
      { cause: err }
    )
  }
  if (
    (code !== undefined && DIR_ERRORS.has(code)) ||
    /read-only file system|permission denied/i.test(messageOf(err))
  ) {
    return new LedgerError(
      'BAD_DIR',
      `cannot write to ${dir} (${messageOf(err)}): it must be a writable directory`,
      { cause: err }
    )
  }
  return err
}
