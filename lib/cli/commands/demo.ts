/**
 * `autoledger demo`: three nodes, their daemons, a workload and the checks, as one script read top to
 * bottom. It runs past 300 lines because it is a story in order; split, its steps would only be read
 * together anyway.
 */
import os from 'os'
import path from 'path'
import fs from 'fs/promises'
import type HyperDHT from 'hyperdht'
import type { TxInput } from '../../node/tx-input.js'
import { HttpClient } from '../../http/client.js'
import type { StatusJson } from '../../api/operations.js'
import { dataPaths } from '../../datadir/config.js'
import { readToken } from '../../datadir/token.js'
import { LedgerError } from '../../errors.js'
import { str } from '../command.js'
import type { Command, CommandContext } from '../command.js'
import { NodeProcess, freeUdpPort, pollUntil, MAIN_JS } from '../processes.js'
import { startBootstrapper } from './bootstrap.js'
import { initLedger } from './init.js'
import { joinLedger } from './join.js'

/** The demo gives up after this long (ms) waiting for any one step. */
const STEP_TIMEOUT_MS = 30_000
const CONVERGE_TIMEOUT_MS = 45_000
const ROUNDS = 4
const PUTS_PER_ROUND = 5
const TRANSFERS_PER_ROUND = 3
const START_BALANCE = 1000n

interface DemoNode {
  name: string
  dir: string
  role: string
  admin: boolean
  proc: NodeProcess
  client: HttpClient
  url: string
  writerKey: string
}

export interface DemoRow {
  node: string
  role: string
  writerKey: string
  written: number
  rejected: number
  finalLength: number
  finalHead: string
  url: string
  dir: string
}

export const demo: Command = {
  name: 'demo',
  summary:
    'Start a local network (a bootstrap node and three node processes on loopback), write concurrently from all three, and show that they agree.',
  options: {
    keep: {
      type: 'boolean',
      description: 'leave the network running and print how to talk to it (Ctrl-C stops it)'
    },
    dir: {
      type: 'string',
      short: 'd',
      value: '<path>',
      description:
        "keep the three nodes' data in <path>/a, b and c (default: a temporary directory, removed at the end)"
    },
    verbose: { type: 'boolean', short: 'v', description: "show the nodes' logs on stderr" }
  },
  details: [
    'Node a creates the ledger and adds b (a second indexer) and c (a writer); all three then write',
    'records and transfers at once, some of which must be rejected. The demo waits until every node',
    'reports the same final head hash at the same final length, prints one row per node, and exits 0.'
  ],
  async run(ctx) {
    const started = Date.now()
    const given = str(ctx, 'dir')
    const root =
      given === undefined
        ? await fs.mkdtemp(path.join(os.tmpdir(), 'autoledger-demo-'))
        : path.resolve(given)
    const procs: NodeProcess[] = []
    const nodes: DemoNode[] = []
    let dht: HyperDHT | null = null
    let failed = false
    try {
      dht = await bootstrapNode()
      const bootstrap = `127.0.0.1:${dht.address().port}`
      note(ctx, `bootstrap node on ${bootstrap}`)
      nodes.push(...(await startNodes(ctx, root, bootstrap, procs)))
      const rows = await exercise(ctx, nodes)
      const elapsed = ((Date.now() - started) / 1000).toFixed(1)
      if (ctx.out.json) for (const row of rows) ctx.out.item(row, '')
      else {
        ctx.out.text(
          ctx.out.table([
            ['node', 'role', 'entries written', 'final length', 'final head hash', 'rejected'],
            ...rows.map((r) => [
              r.node,
              r.role,
              String(r.written),
              String(r.finalLength),
              r.finalHead,
              String(r.rejected)
            ])
          ])
        )
        ctx.out.text(
          `all ${rows.length} nodes agree on final head ${rows[0].finalHead.slice(0, 16)}... at length ${rows[0].finalLength} (${elapsed} s)`
        )
      }
      if (ctx.values.keep === true) await keepRunning(ctx, nodes, bootstrap, root)
    } catch (err) {
      failed = true
      for (const p of procs)
        if (p.tail.length > 0)
          ctx.out.note(`--- last log lines of node ${p.name} ---\n${p.tail.slice(-10).join('\n')}`)
      throw err
    } finally {
      if (procs.length > 0) note(ctx, 'stopping the nodes')
      await Promise.all(procs.map((p) => p.stop()))
      await dht?.destroy()
      if (given === undefined && (ctx.values.keep !== true || failed))
        await fs.rm(root, { recursive: true, force: true })
    }
  }
}

function note(ctx: CommandContext, text: string): void {
  ctx.out.note(`demo: ${text}`)
}

async function bootstrapNode(): Promise<HyperDHT> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startBootstrapper('127.0.0.1', await freeUdpPort())
    } catch (err) {
      if (attempt >= 4) throw err // another process took the free port before us, five times
    }
  }
}

/** Create a (the admin, with the ledger), b and c (joined), and start all three daemons. */
async function startNodes(
  ctx: CommandContext,
  root: string,
  bootstrap: string,
  started: NodeProcess[]
): Promise<DemoNode[]> {
  const flags = { bootstrap, host: '127.0.0.1', reachable: true, http: '127.0.0.1:0' }
  const a = await initLedger(path.join(root, 'a'), flags)
  const others = await Promise.all(
    ['b', 'c'].map((name) => joinLedger(path.join(root, name), a.key, flags))
  )
  const specs = [
    { name: 'a', role: 'admin, indexer', admin: true, keys: a },
    { name: 'b', role: 'writer, indexer', admin: false, keys: others[0] },
    { name: 'c', role: 'writer', admin: false, keys: others[1] }
  ]
  const verbose = ctx.values.verbose === true
  const nodes: DemoNode[] = []
  // One after the other: each is announced on the DHT before the next looks its peers up.
  for (const s of specs) {
    const proc = new NodeProcess(
      s.name,
      ['--dir', s.keys.dir],
      verbose ? (line) => ctx.out.note(`[${s.name}] ${line}`) : undefined
    )
    started.push(proc)
    const ready = await proc.ready
    const token = await readToken(dataPaths(s.keys.dir).token)
    note(ctx, `node ${s.name} running at ${ready.url} (pid ${ready.pid})`)
    nodes.push({
      name: s.name,
      dir: s.keys.dir,
      role: s.role,
      admin: s.admin,
      proc,
      client: new HttpClient(ready.url, token),
      url: ready.url,
      writerKey: s.keys.writerKey
    })
  }
  return nodes
}

/** Membership, funding, the concurrent writes, and the wait for one final head everywhere. */
async function exercise(ctx: CommandContext, nodes: DemoNode[]): Promise<DemoRow[]> {
  const [a, b, c] = nodes
  await pollUntil(
    async () =>
      (await Promise.all(nodes.map((n) => n.client.status()))).every((s) => s.peers >= 2)
        ? true
        : null,
    STEP_TIMEOUT_MS,
    'the nodes to connect'
  )
  note(ctx, 'nodes connected; a adds b (indexer) and c, and funds every writer')
  await a.client.submit([
    { type: 'add-writer', key: b.writerKey, role: 'writer', indexer: true },
    { type: 'add-writer', key: c.writerKey, role: 'writer', indexer: false },
    ...nodes.map(
      (n) => ({ type: 'mint', account: n.writerKey, amount: START_BALANCE.toString() }) as TxInput
    )
  ])
  await Promise.all(
    nodes.map((n) =>
      pollUntil(
        async () => {
          const [s, balance] = await Promise.all([n.client.status(), n.client.balance(n.writerKey)])
          return s.writable && BigInt(balance.balance) === START_BALANCE ? true : null
        },
        STEP_TIMEOUT_MS,
        `node ${n.name} to become a funded writer`
      )
    )
  )

  note(ctx, 'all three write at once: records, transfers, and some that must be rejected')
  let expected = 1 + 2 + nodes.length // genesis, two add-writer, one mint per node
  await Promise.all(
    nodes.map(async (n, i) => {
      const batches = workload(n, nodes[(i + 1) % nodes.length], nodes)
      expected += batches.reduce((sum, batch) => sum + batch.length, 0)
      await Promise.all(batches.map((batch) => n.client.submit(batch, { wait: 'none' })))
    })
  )

  note(ctx, `waiting until every node holds the same final head at length ${expected}`)
  const statuses = await pollUntil(
    async () => {
      const all = await Promise.all(nodes.map((n) => n.client.status()))
      const first = all[0]
      const agreed = all.every(
        (s) =>
          s.finalLength === expected &&
          s.length === expected &&
          s.finalHead === first.finalHead &&
          s.head === first.head
      )
      return agreed ? all : null
    },
    CONVERGE_TIMEOUT_MS,
    `${nodes.length} nodes to agree on a final head at length ${expected}`,
    200
  )
  return tally(nodes, statuses)
}

/**
 * One node's writes, in ROUNDS batches sent at once: records, small transfers to the others
 * (always covered by its balance, in any order), and three that every node must reject the same way.
 */
function workload(self: DemoNode, next: DemoNode, nodes: DemoNode[]): TxInput[][] {
  const peers = nodes.filter((n) => n !== self)
  const batches: TxInput[][] = []
  for (let round = 0; round < ROUNDS; round++) {
    const batch: TxInput[] = []
    for (let i = 0; i < PUTS_PER_ROUND; i++)
      batch.push({
        type: 'put',
        key: `${self.name}/${round}/${i}`,
        value: { node: self.name, round, i }
      })
    for (let i = 0; i < TRANSFERS_PER_ROUND; i++) {
      batch.push({
        type: 'transfer',
        from: self.writerKey,
        to: peers[(round + i) % peers.length].writerKey,
        amount: String(1 + ((round * 7 + i * 3) % 10)),
        memo: `round ${round}`
      })
    }
    batches.push(batch)
  }
  batches[0].push({
    type: 'transfer',
    from: self.writerKey,
    to: next.writerKey,
    amount: '1000000000'
  }) // INSUFFICIENT_FUNDS
  batches[1].push({ type: 'transfer', from: next.writerKey, to: self.writerKey, amount: '1' }) // NOT_OWNER
  batches[2].push(
    self.admin
      ? { type: 'transfer', from: self.writerKey, to: 'nobody', amount: '1' } // ACCOUNT_NOT_FOUND
      : { type: 'mint', account: self.writerKey, amount: '1' }
  ) // NOT_AUTHORIZED
  return batches
}

/** Count each node's entries and rejections in the (identical) final ledger. */
async function tally(nodes: DemoNode[], statuses: StatusJson[]): Promise<DemoRow[]> {
  const written = new Map<string, number>()
  const rejected = new Map<string, number>()
  for (let gte: number | null = 0; gte !== null;) {
    const page = await nodes[0].client.entries({ gte, limit: 1000 })
    for (const e of page.items) {
      written.set(e.writer, (written.get(e.writer) ?? 0) + 1)
      if (e.outcome === 'rejected') rejected.set(e.writer, (rejected.get(e.writer) ?? 0) + 1)
    }
    gte = page.next
  }
  return nodes.map((n, i) => ({
    node: n.name,
    role: n.role,
    writerKey: n.writerKey,
    written: written.get(n.writerKey) ?? 0,
    rejected: rejected.get(n.writerKey) ?? 0,
    finalLength: statuses[i].finalLength,
    finalHead: statuses[i].finalHead,
    url: n.url,
    dir: n.dir
  }))
}

async function keepRunning(
  ctx: CommandContext,
  nodes: DemoNode[],
  bootstrap: string,
  root: string
): Promise<void> {
  const cli = path.relative(process.cwd(), MAIN_JS)
  ctx.out.note(
    [
      '',
      `The network keeps running (bootstrap ${bootstrap}; data in ${root}). Try:`,
      ...nodes.map(
        (n) => `  node ${cli} status --dir ${n.dir}        # node ${n.name}, via ${n.url}`
      ),
      `  node ${cli} put hello '"world"' --dir ${nodes[2].dir}`,
      `  curl ${nodes[0].url}/v1/status`,
      `  curl -H "Authorization: Bearer $(cat ${dataPaths(nodes[0].dir).token})" -d '{"type":"put","key":"k","value":1}' ${nodes[0].url}/v1/transactions`,
      'Press Ctrl-C to stop it.'
    ].join('\n')
  )
  await new Promise<void>((resolve, reject) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
    for (const n of nodes)
      void n.proc.exited.then((code) =>
        reject(new LedgerError('INTERNAL', `node ${n.name} exited unexpectedly (code ${code})`))
      )
  })
}
