import b4a from 'b4a'
import { parentPort, workerData } from 'worker_threads'
import { LedgerNode } from './node.js'
import { appliedBy } from './applied.js'
import { linkOverPort } from './port-link.js'
import type { ByteStream } from './port-link.js'
import type { ScratchCalls, ScratchInit } from './scratch.js'

// The scratch derivation of `openScratch`, in its own thread.
const init = workerData as ScratchInit
const port = parentPort
if (port === null) throw new Error('the scratch derivation runs in a worker thread')
const node = new LedgerNode({
  storage: init.dir,
  key: b4a.from(init.key, 'hex'),
  encryptionKey: init.encryptionKey,
  fastForward: false,
  durable: false
})
const view = (name: 'log' | 'state') =>
  name === 'log' ? node.base.view.log : node.base.view.state.core

const calls: ScratchCalls & { ready(): Promise<void>; close(): Promise<void> } = {
  async ready() {
    await node.ready()
    linkOverPort(node.replicate(false) as ByteStream, init.port)
  },
  async update() {
    await node.base.update()
    return node.length
  },
  finalLength: async () => node.finalLength,
  applied: (keys) => Promise.all(keys.map((k) => appliedBy(node.base, b4a.from(k, 'hex')))),
  viewLength: async (name) => view(name).length,
  treeHash: (name, length) => view(name).treeHash(length),
  async entry(position) {
    const log = node.base.view.log
    return position < log.length ? await log.get(position, { wait: false }) : null
  },
  async statePage(after, limit) {
    const page: Array<[Uint8Array, Uint8Array]> = []
    const range = after === null ? { limit } : { gt: after, limit }
    for await (const { key, value } of node.base.view.state.createReadStream(range))
      page.push([key, value ?? b4a.alloc(0)])
    return page
  },
  async close() {
    await node.close()
  }
}

port.on('message', ({ id, method, args }: { id: number; method: keyof typeof calls; args: [] }) => {
  const run = calls[method] as (...a: unknown[]) => Promise<unknown>
  run(...args).then(
    (value) => port.postMessage({ id, value }),
    (err: Error) => port.postMessage({ id, error: err.message })
  )
})
