// One bench peer: a separate Node process the runner forks, holding one node (a ledger node, a
// raw hypercore peer or a naive autobase peer) and answering the runner's requests over IPC.
//
//   node dist/bench/peer/main.js <ledger|raw|naive>
import { LedgerPeer } from './ledger-peer.js'
import { RawPeer } from './raw-peer.js'
import { NaivePeer } from './naive-peer.js'
import type { PeerBase, PeerRole, Request, Reply } from './protocol.js'

const ROLES: Record<PeerRole, () => PeerBase> = {
  ledger: () => new LedgerPeer(),
  raw: () => new RawPeer(),
  naive: () => new NaivePeer()
}

const role = process.argv[2] as PeerRole
if (process.send === undefined || !(role in ROLES)) {
  console.error(
    'usage: forked by the bench runner with an IPC channel; role is one of',
    Object.keys(ROLES).join(', ')
  )
  process.exit(2)
}

const peer = ROLES[role]()

function send(reply: Reply): Promise<void> {
  return new Promise((resolve) => process.send!(reply, undefined, undefined, () => resolve()))
}

async function handle(req: Request): Promise<void> {
  try {
    const method = (peer as unknown as Record<string, unknown>)[req.method]
    if (typeof method !== 'function') throw new Error(`${role} peer has no method ${req.method}`)
    const result: unknown = await method.call(peer, req.params)
    await send({ id: req.id, ok: true, result })
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err))
    await send({ id: req.id, ok: false, error: { message: e.message, stack: e.stack } })
  }
  if (req.method === 'shutdown') process.exit(0)
}

process.on('message', (req: Request) => {
  void handle(req)
})
// The runner went away: nothing is left to report to.
process.on('disconnect', () => process.exit(1))
