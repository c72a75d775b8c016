// One local apply run, in its own process: one node, no network, the bench's workload (the local
// ceiling's transactions, 3 writers' slices merged), timed from the first submit to the final head.
// Imports the node and the workload from the build given, so two builds run the same code path.
//
//   node dist/bench/compare/apply-run.js <build dir> <transactions per writer> [scrape every ms]
//
// With a scrape interval, the run reads the node's Prometheus metrics that often (a build without
// metrics skips it), as a scraper of a daemon's /metrics would.
import fs from 'fs'
import os from 'os'
import path from 'path'
import { pathToFileURL } from 'url'

const [buildDir, txsPerWriter, scrapeMs] = process.argv.slice(2)
const from = (file: string): string => pathToFileURL(path.join(buildDir, 'dist', file)).href
const { LedgerNode } = await import(from('lib/index.js'))
const workload = await import(from('bench/harness/workload.js'))
const { parseConfig } = await import(from('bench/harness/config.js'))

const config = parseConfig(['--txs', txsPerWriter])
const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'autoledger-compare-'))
const node = new LedgerNode({ storage })
try {
  await node.ready()
  await node.submit(workload.setupTransactions([], config.accounts, 1))
  const base = workload.setupLength(1, config.accounts)
  const finalAt = (length: number): Promise<true> =>
    node.waitUntil(async () => (node.finalLength >= length ? true : null), 600_000)
  await finalAt(base)
  const txs = workload.interleave(
    workload.workloadSlices(config, config.writers, config.txs).map(workload.generateWorkload)
  )
  const started = performance.now()
  const cpu = process.cpuUsage()
  let scrapes = 0
  const scraper =
    scrapeMs === undefined || typeof node.metricsText !== 'function'
      ? null
      : setInterval(() => {
          node.metricsText().then(
            () => scrapes++,
            () => {}
          )
        }, Number(scrapeMs))
  let pending: Array<Promise<unknown>> = []
  for (const tx of txs) {
    pending.push(node.submit(tx))
    if (pending.length >= config.window) {
      await Promise.all(pending)
      pending = []
    }
  }
  await Promise.all(pending)
  await finalAt(base + txs.length)
  const used = process.cpuUsage(cpu)
  const ms = performance.now() - started
  if (scraper !== null) clearInterval(scraper)
  process.stdout.write(
    JSON.stringify({
      txs: txs.length,
      txPerSec: txs.length / (ms / 1000),
      cpuUsPerTx: (used.user + used.system) / txs.length,
      // Every hyperbee put is one block of the state view, so this is puts per transaction.
      stateBlocksPerTx: node.base.view.state.core.length / (base + txs.length),
      logBlocksPerTx: node.base.view.log.length / (base + txs.length),
      ...(scraper === null ? {} : { scrapes })
    }) + '\n'
  )
} finally {
  await node.close()
  fs.rmSync(storage, { recursive: true, force: true })
}
