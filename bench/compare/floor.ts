// What one transaction's CPU time is made of. Each in a fresh process: the local apply run of
// this build (a node: CPU time per transaction, the state view's puts and the log's blocks per
// transaction); the same transactions through apply alone, on plain cores with no autobase or
// node around it; one hyperbee put in a batch (time-ordered keys, as the ledger's keys mostly
// are, and random keys); one hypercore block appended in a batch. Medians of the runs.
//
//   node dist/bench/compare/floor.js [runs (3)] [transactions per writer (20000)]
import { execFileSync } from 'child_process'
import crypto from 'crypto'
import fs from 'fs'
import os from 'os'
import path from 'path'
import { fileURLToPath } from 'url'
import Corestore from 'corestore'
import Hyperbee from 'hyperbee'
import { median } from '../harness/stats.js'
import { parseConfig } from '../harness/config.js'
import {
  generateWorkload,
  interleave,
  setupTransactions,
  workloadSlices
} from '../harness/workload.js'
import { directLedger, encodeInputs } from '../harness/direct-apply.js'
import { FORMAT_VERSION } from '../../lib/ledger/limits.js'
import type { TxInput } from '../../lib/node/tx-input.js'

const PUTS = 90_000
const PUT_BATCH = 3_000
const BLOCKS = 90_000
const BLOCK_BATCH = 1_000
const BLOCK_BYTES = 200

type Primitive = 'put-ordered' | 'put-random' | 'append' | 'apply-alone'

async function primitive(kind: Primitive, txsPerWriter: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoledger-floor-'))
  if (kind === 'apply-alone') return applyAlone(dir, txsPerWriter)
  const store = new Corestore(dir)
  try {
    const core = store.get({ name: kind })
    await core.ready()
    if (kind === 'append') {
      const block = crypto.randomBytes(BLOCK_BYTES)
      const cpu = process.cpuUsage()
      for (let i = 0; i < BLOCKS; i += BLOCK_BATCH)
        await core.append(Array(BLOCK_BATCH).fill(block))
      return usPer(process.cpuUsage(cpu), BLOCKS)
    }
    const bee = new Hyperbee(core, {
      keyEncoding: 'binary',
      valueEncoding: 'binary',
      extension: false
    })
    const keys = Array.from({ length: PUTS }, (_, i) => {
      const key = crypto.randomBytes(48)
      if (kind === 'put-ordered') key.writeUInt32BE(i, 0)
      return key
    })
    const value = crypto.randomBytes(40)
    const cpu = process.cpuUsage()
    for (let i = 0; i < PUTS; i += PUT_BATCH) {
      const batch = bee.batch()
      for (let j = i; j < i + PUT_BATCH; j++) await batch.put(keys[j], value)
      await batch.flush()
    }
    return usPer(process.cpuUsage(cpu), PUTS)
  } finally {
    await store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The local ceiling's transactions (after its setup) in blocks and calls of about a node's size. */
async function applyAlone(dir: string, txsPerWriter: number): Promise<number> {
  const config = parseConfig(['--txs', String(txsPerWriter)])
  const ledger = await directLedger(dir)
  try {
    const setup: TxInput[] = [
      { type: 'set-version', format: FORMAT_VERSION },
      ...setupTransactions([], config.accounts, 1)
    ]
    await ledger.apply(encodeInputs(setup), 10, 1)
    const txs = encodeInputs(
      interleave(workloadSlices(config, config.writers, config.txs).map(generateWorkload))
    )
    const cpu = process.cpuUsage()
    await ledger.apply(txs, 100, 10)
    return usPer(process.cpuUsage(cpu), txs.length)
  } finally {
    await ledger.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

function usPer(used: NodeJS.CpuUsage, n: number): number {
  return (used.user + used.system) / n
}

const here = fileURLToPath(import.meta.url)
if (process.argv[2] === '--primitive') {
  const kind = process.argv[3] as Primitive
  process.stdout.write(String(await primitive(kind, Number(process.argv[4]))) + '\n')
} else {
  const [runsArg = '3', txsArg = '20000'] = process.argv.slice(2)
  const root = path.resolve(path.dirname(here), '..', '..', '..')
  const child = (file: string, args: string[]): string =>
    execFileSync(process.execPath, [file, ...args], { cwd: root }).toString()
  const samples: Record<string, number[]> = {}
  const add = (name: string, v: number): void => {
    ;(samples[name] ??= []).push(v)
  }
  for (let r = 0; r < Number(runsArg); r++) {
    const run = JSON.parse(child(path.join(path.dirname(here), 'apply-run.js'), [root, txsArg]))
    add('cpuUsPerTx', run.cpuUsPerTx)
    add('statePutsPerTx', run.stateBlocksPerTx)
    add('logBlocksPerTx', run.logBlocksPerTx)
    for (const kind of ['apply-alone', 'put-ordered', 'put-random', 'append'] as Primitive[])
      add(kind, Number(child(here, ['--primitive', kind, txsArg])))
    process.stderr.write(`run ${r + 1}: ${JSON.stringify(run)}\n`)
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
  const puts = m.statePutsPerTx * m['put-ordered']
  const blocks = m.logBlocksPerTx * m.append
  process.stdout.write(
    JSON.stringify({
      runs: Number(runsArg),
      perTx: {
        cpuUs: Math.round(m.cpuUsPerTx),
        applyAloneCpuUs: Math.round(m['apply-alone']),
        statePuts: Number(m.statePutsPerTx.toFixed(2)),
        logBlocks: Number(m.logBlocksPerTx.toFixed(2))
      },
      primitiveUs: {
        putOrdered: Number(m['put-ordered'].toFixed(1)),
        putRandom: Number(m['put-random'].toFixed(1)),
        append: Number(m.append.toFixed(1))
      },
      floorUsPerTx: { statePuts: Math.round(puts), logBlocks: Math.round(blocks) },
      floorShare: Number(((puts + blocks) / m.cpuUsPerTx).toFixed(2))
    }) + '\n'
  )
}
