import { parseArgs } from 'util'
import path from 'path'
import os from 'os'
import { fileURLToPath } from 'url'

export const SCENARIOS = [
  'convergence',
  'baselines',
  'latency',
  'scaling',
  'catchup',
  'footprint',
  'durability',
  'private',
  'proofs',
  'orbitdb'
] as const
export type ScenarioName = (typeof SCENARIOS)[number]
export const CATCHUP_MODES = ['ff', 'full'] as const
export type CatchupMode = (typeof CATCHUP_MODES)[number]

/** Everything a bench run is parameterised by. Defaults size a full run at about 10-15 minutes on 2 cores. */
export interface BenchConfig {
  smoke: boolean
  runs: number
  only: ScenarioName[]
  seed: number
  outDir: string
  /** Writer processes in the convergence run. */
  writers: number
  /** Transactions per writer in the convergence run. */
  txs: number
  /** Unresolved submits per writer at once. */
  window: number
  /** Shared accounts that transfers move value between. */
  accounts: number
  /** Indexers in the throughput runs (the admin first). */
  indexers: number
  /** Transactions per writer for the raw hypercore run with one block per transaction. */
  rawPerTxTxs: number
  /** Transactions per writer for the naive design (it is slow: keep this small). */
  naiveTxs: number
  latencyTxs: number
  latencyIntervalMs: number
  /** Transactions per writer in the latency run under throughput load. */
  loadedLatencyTxs: number
  /** The latency scenario runs only its light-load setups. */
  lightOnly: boolean
  scalingWriters: number[]
  scalingTotal: number
  catchupEntries: number
  /** Where the catch-up source ledger is built once and reused by later runs (null: a temporary directory). */
  catchupSource: string | null
  /** Which followers the catch-up scenario times: with fast-forward, without, or both. */
  catchupModes: CatchupMode[]
  /** The larger ledger the proofs scenario proves entries of (it also proves at 1,000). */
  proofEntries: number
  footprintTxs: number
  orbitdbTxs: number
  profile: boolean
  peers: boolean
  /** Experiment: indexers also ack every this many ms, whatever the activity. Null: the library's behaviour. */
  forceAckMs: number | null
  /** Experiment: the nodes' ack interval (LedgerNodeOptions.ackInterval). Null: the library's default. */
  ackIntervalMs: number | null
  /** Experiment: the nodes' back-pressure bound (Infinity: off). Null: the library's default. */
  maxPending: number | null
  /** Time-ordered transaction ids, like the library's default; false with the --random-ids experiment. */
  timeOrderedIds: boolean
}

const BENCH_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench')

export const USAGE = `usage: node dist/bench/run.js [options]

  --smoke               every scenario at tiny sizes, one run (part of npm test)
  --runs N              runs per figure; the median, min and max are reported (default 3)
  --only a,b            scenarios to run: ${SCENARIOS.join(', ')}
  --writers W           writers in the convergence run (default 3)
  --txs M               transactions per writer (default 20000)
  --naive-txs M         transactions per writer for the naive design (default 1000)
  --scaling-total N     transactions spread over 1/2/4/8/16 writers (default 4800)
  --light               latency: only the light-load setups (1 and 3 indexers), for the hop breakdown
  --catchup N           ledger length a fresh follower catches up to (default 100000)
  --catchup-million     the same at 1,000,000 entries
  --catchup-source DIR  build the catch-up source ledger in DIR once and reuse it in later runs
                        (then verify is not timed; the build rate comes from the run that built it)
  --catchup-modes a,b   followers to time: ff (with fast-forward), full (without); default both
  --proof-entries N     the larger ledger the proofs scenario proves entries of (default 100000; also 1000)
  --indexers N          indexers in the throughput runs (default 1)
  --window N            unresolved submits per writer (default 1024)
  --seed N              workload seed (default 1)
  --force-ack MS        experiment: indexers also ack every MS ms, on top of the library's own ack beat
  --ack-interval MS     experiment: the nodes' ack interval instead of the library's default (250)
  --max-pending N|off   experiment: the nodes' back-pressure bound instead of the library's default
  --random-ids          experiment: random transaction ids instead of the library's default time-ordered ones
  --profile             also one convergence run and one local-ceiling run under --cpu-prof, summarized by package
  --peers               include OrbitDB (installs bench/orbitdb on first use)
  --out DIR             where results go (default bench/results; --smoke: a temporary directory)
`

export function parseConfig(argv: string[]): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string' },
      writers: { type: 'string' },
      txs: { type: 'string' },
      'naive-txs': { type: 'string' },
      'scaling-total': { type: 'string' },
      catchup: { type: 'string' },
      'catchup-million': { type: 'boolean', default: false },
      light: { type: 'boolean', default: false },
      'catchup-source': { type: 'string' },
      'catchup-modes': { type: 'string' },
      'proof-entries': { type: 'string' },
      indexers: { type: 'string' },
      window: { type: 'string' },
      seed: { type: 'string' },
      profile: { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
      'force-ack': { type: 'string' },
      'ack-interval': { type: 'string' },
      'max-pending': { type: 'string' },
      'random-ids': { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', default: false }
    }
  })
  if (values.help === true) {
    process.stdout.write(USAGE)
    process.exit(0)
  }
  const smoke = values.smoke === true
  const int = (v: string | undefined, fallback: number, name: string): number => {
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`)
    return n
  }
  const only =
    values.only === undefined
      ? SCENARIOS.filter((s) => s !== 'orbitdb' || values.peers === true)
      : values.only
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0)
  for (const name of only)
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`unknown scenario "${name}": one of ${SCENARIOS.join(', ')}`)
  if (only.includes('orbitdb') && values.peers !== true)
    throw new Error('the orbitdb scenario installs its own packages: ask for it with --peers')
  const catchupModes = (values['catchup-modes'] ?? CATCHUP_MODES.join(',')).split(',')
  for (const mode of catchupModes)
    if (!(CATCHUP_MODES as readonly string[]).includes(mode))
      throw new Error(`unknown catch-up mode "${mode}": one of ${CATCHUP_MODES.join(', ')}`)
  const outDir =
    values.out !== undefined
      ? path.resolve(values.out)
      : smoke
        ? path.join(os.tmpdir(), `autoledger-bench-smoke-${process.pid}`)
        : path.join(BENCH_DIR, 'results')
  return {
    smoke,
    runs: int(values.runs, smoke ? 1 : 3, 'runs'),
    only: only as ScenarioName[],
    seed: int(values.seed, 1, 'seed'),
    outDir,
    writers: int(values.writers, 3, 'writers'),
    txs: int(values.txs, smoke ? 300 : 20_000, 'txs'),
    window: int(values.window, 1024, 'window'),
    accounts: 16,
    indexers: int(values.indexers, 1, 'indexers'),
    rawPerTxTxs: smoke ? 200 : 5_000,
    naiveTxs: int(values['naive-txs'], smoke ? 50 : 1_000, 'naive-txs'),
    latencyTxs: smoke ? 10 : 100,
    latencyIntervalMs: 50,
    loadedLatencyTxs: smoke ? 200 : 2_000,
    lightOnly: values.light === true,
    scalingWriters: smoke ? [1, 2, 4] : [1, 2, 4, 8, 16],
    scalingTotal: int(values['scaling-total'], smoke ? 400 : 4_800, 'scaling-total'),
    catchupEntries:
      values['catchup-million'] === true
        ? 1_000_000
        : int(values.catchup, smoke ? 500 : 100_000, 'catchup'),
    catchupSource:
      values['catchup-source'] === undefined ? null : path.resolve(values['catchup-source']),
    catchupModes: catchupModes as CatchupMode[],
    proofEntries: int(values['proof-entries'], smoke ? 200 : 100_000, 'proof-entries'),
    footprintTxs: smoke ? 200 : 20_000,
    orbitdbTxs: smoke ? 20 : 500,
    profile: values.profile === true,
    peers: values.peers === true,
    forceAckMs: values['force-ack'] === undefined ? null : int(values['force-ack'], 0, 'force-ack'),
    ackIntervalMs:
      values['ack-interval'] === undefined ? null : int(values['ack-interval'], 0, 'ack-interval'),
    maxPending:
      values['max-pending'] === undefined
        ? null
        : values['max-pending'] === 'off'
          ? Infinity
          : int(values['max-pending'], 0, 'max-pending'),
    timeOrderedIds: values['random-ids'] !== true
  }
}
