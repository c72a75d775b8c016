import { Worker, MessageChannel } from 'worker_threads'
import type Autobase from 'autobase'
import type { LedgerView } from '../ledger/view.js'
import { toHex } from '../ledger/ids.js'
import { linkOverPort } from './port-link.js'
import type { ByteStream } from './port-link.js'

/**
 * The derivation's young generation (MB): it allocates many short-lived objects. In one profiled
 * derivation of 100,000 entries garbage collection took 5.2 s with this, 6.8 s with 16 MB.
 */
const YOUNG_GENERATION_MB = 192

/** What a scratch derivation answers. */
export interface ScratchCalls {
  /** Apply what it has been given so far; its ledger length. */
  update(): Promise<number>
  /** Its final length: how far the indexers' signatures in the logs sign what it derived. */
  finalLength(): Promise<number>
  /** Per writer key (hex): its blocks applied and whether it was removed, or null. */
  applied(keys: string[]): Promise<Array<{ length: number; isRemoved: boolean } | null>>
  /** The length of a view core (`log` or `state`), as derived so far. */
  viewLength(view: 'log' | 'state'): Promise<number>
  /** A view core's Merkle tree hash at `length` (at most its length). */
  treeHash(view: 'log' | 'state', length: number): Promise<Uint8Array>
  /** The derived entry at `position`, or null. */
  entry(position: number): Promise<Uint8Array | null>
  /** Up to `limit` state keys and values after `after` (from the first when null), in key order. */
  statePage(after: Uint8Array | null, limit: number): Promise<Array<[Uint8Array, Uint8Array]>>
}

export type ScratchNode = ScratchCalls & { close(): Promise<void> }

export interface ScratchInit {
  dir: string
  key: string
  /** The private ledger's encryption key (hex), or null. */
  encryptionKey: string | null
  port: import('worker_threads').MessagePort
}

type Reply = { id: number; value?: unknown; error?: string }

/**
 * Open a node that derives the ledger `key` (a private one with its `encryptionKey`) from scratch
 * in `dir` (no network, no fast-forward, replicating only with `source`) in a worker thread of its
 * own: it applies while this thread serves it the blocks.
 */
export async function openScratch(
  source: Autobase<LedgerView>,
  key: Uint8Array,
  encryptionKey: Uint8Array | null,
  dir: string
): Promise<ScratchNode> {
  const channel = new MessageChannel()
  const init: ScratchInit = {
    dir,
    key: toHex(key),
    encryptionKey: encryptionKey === null ? null : toHex(encryptionKey),
    port: channel.port2
  }
  const worker = new Worker(new URL('./scratch-worker.js', import.meta.url), {
    workerData: init,
    transferList: [channel.port2],
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB }
  })
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>()
  let failed: Error | null = null
  const fail = (err: Error): void => {
    failed = err
    for (const p of pending.values()) p.reject(err)
    pending.clear()
  }
  worker.on('error', fail)
  worker.on('exit', () => fail(new Error('the scratch derivation stopped')))
  worker.on('message', (reply: Reply) => {
    const p = pending.get(reply.id)
    if (p === undefined) return
    pending.delete(reply.id)
    if (reply.error !== undefined) p.reject(new Error(reply.error))
    else p.resolve(reply.value)
  })
  let next = 0
  const call = (method: string, ...args: unknown[]): Promise<unknown> => {
    if (failed !== null) return Promise.reject(failed)
    const id = next++
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      worker.postMessage({ id, method, args })
    })
  }
  await call('ready')
  const cut = linkOverPort(source.replicate(true) as ByteStream, channel.port1)
  return {
    update: () => call('update') as Promise<number>,
    finalLength: () => call('finalLength') as Promise<number>,
    applied: (keys) => call('applied', keys) as ReturnType<ScratchCalls['applied']>,
    viewLength: (view) => call('viewLength', view) as Promise<number>,
    treeHash: (view, length) => call('treeHash', view, length) as Promise<Uint8Array>,
    entry: (position) => call('entry', position) as Promise<Uint8Array | null>,
    statePage: (after, limit) =>
      call('statePage', after, limit) as ReturnType<ScratchCalls['statePage']>,
    close: async () => {
      cut()
      await call('close').catch(() => {})
      await worker.terminate()
    }
  }
}
