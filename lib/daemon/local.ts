import fs from 'fs/promises'
import { LedgerNode } from '../index.js'
import type { NetworkOptions } from '../index.js'
import { LedgerApi } from '../http/operations.js'
import { DirLock } from './lock.js'
import { OpsError, isStoreLockError } from './errors.js'
import type { DataPaths } from './config.js'

export interface LocalNode {
  node: LedgerNode
  api: LedgerApi
  /** Close the node (network, then base, then store) and release the directory. Safe to call twice. */
  close (): Promise<void>
}

export interface OpenLocalOptions {
  /** Ledger key (hex) to follow; omitted when creating a new ledger. */
  key?: string
  /** DHT options, or false (the default) to open without a network. */
  network?: NetworkOptions | false
}

/**
 * Lock a data directory and open its node. Used by the daemon and by CLI commands when no
 * daemon runs on the directory. Throws LOCKED when another process holds it.
 */
export async function openLocal (paths: DataPaths, opts: OpenLocalOptions = {}): Promise<LocalNode> {
  await fs.mkdir(paths.dir, { recursive: true })
  const lock = new DirLock(paths.lock, paths.dir)
  await lock.acquire()
  const node = new LedgerNode({
    storage: paths.store,
    ...(opts.key === undefined ? {} : { key: opts.key }),
    network: opts.network ?? false
  })
  try {
    await node.ready()
  } catch (err) {
    await node.close().catch(() => {})
    await lock.release()
    if (isStoreLockError(err)) throw new OpsError('LOCKED', `the store in ${paths.dir} is open in another process: stop it first`, { cause: err })
    throw err
  }
  let closing: Promise<void> | null = null
  return {
    node,
    api: new LedgerApi(node),
    close: () => (closing ??= node.close().finally(() => lock.release()))
  }
}
