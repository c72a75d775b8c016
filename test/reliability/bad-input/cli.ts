import path from 'path'
import fs from 'fs/promises'
import { exitStatusOf } from '../../../lib/index.js'
import { MAX_PAGE_LIMIT } from '../../../lib/cli/command.js'
import type { Command } from '../../../lib/cli/command.js'
import { MAX_SUBMIT_WAIT_MS } from '../../../lib/api/operations.js'
import { COMMANDS } from '../../../lib/cli/commands/index.js'
import { USAGE_HINT } from '../../../lib/cli/output.js'
import { cli } from '../../helpers/cli.js'
import { seedFromEnv } from '../../helpers/random.js'
import type { Random } from '../../helpers/random.js'
import { LoopbackDaemons } from '../../helpers/daemon.js'
import { pool } from '../../helpers/pool.js'
import { STEP_TIMEOUT_MS } from '../../helpers/timeouts.js'
import { seededReport } from '../report.js'
import type { Report } from '../report.js'
import { DOCUMENTED_CODES } from './replies.js'
import { offlineStatus, exists } from './store.js'

export interface CliSizes {
  /** Generated usage errors, each a real process. Default 150. */
  cliCases?: number
  /** Processes at once. Default 4. */
  concurrency?: number
  seed?: number
}

/**
 * The commands exercised, each with positionals that are valid but for what a case changes; how
 * many positionals each takes, and which write, is the commands' own (their arity and --wait).
 */
/** Positionals for each command (a command without any here fails the scenario: give it some). */
const SAMPLES: Record<string, string[]> = {
  init: [],
  join: ['ab'.repeat(32)],
  run: [],
  bootstrap: [],
  status: [],
  put: ['k', '1'],
  del: ['k'],
  get: ['k'],
  mint: ['5'],
  transfer: ['ab'.repeat(32), '5'],
  'open-account': ['pool'],
  balance: [],
  log: [],
  watch: [],
  tx: ['ab'.repeat(16)],
  history: ['k'],
  diff: ['1', '2'],
  members: [],
  'add-writer': ['ab'.repeat(32)],
  'remove-writer': ['ab'.repeat(32)],
  invite: [],
  invites: [],
  demo: [],
  peers: [],
  verify: [],
  export: [],
  prove: ['1'],
  'verify-proof': ['proof.bin']
}
const SAMPLE_POSITIONALS: Array<[Command, string[]]> = COMMANDS.map((cmd) => {
  const sample = SAMPLES[cmd.name]
  if (sample === undefined) throw new Error(`no sample positionals for the command ${cmd.name}`)
  return [cmd, sample]
})
const CLI_COMMANDS: Record<string, { positionals: string[]; max: number }> = Object.fromEntries(
  SAMPLE_POSITIONALS.map(([cmd, positionals]) => [
    cmd.name,
    { positionals, max: (cmd.arity ?? [0, 0])[1] }
  ])
)
const WRITE_COMMANDS = SAMPLE_POSITIONALS.filter(([cmd]) => cmd.options?.wait !== undefined).map(
  ([cmd]) => cmd.name
)

/** One generated command line that must be refused as a usage error (exit 2) before anything is touched. */
function usageCase(r: Random): { kind: string; argv: string[] } {
  const names = Object.keys(CLI_COMMANDS)
  const name = r.pick(names)
  const { positionals, max } = CLI_COMMANDS[name]
  const pick = r.int(13)
  switch (pick) {
    case 0:
      return {
        kind: 'unknown flag',
        argv: [
          name,
          ...positionals,
          r.pick([
            '--bogus',
            '--frob',
            '--limitt',
            '--jsonn',
            '--dirr',
            '-z',
            '-q',
            '-Z',
            '--' + 'x'.repeat(1 + r.int(20)),
            '--no-json'
          ])
        ]
      }
    case 1: {
      const needing = names.filter((n) => CLI_COMMANDS[n].positionals.length > 0)
      const cmd = r.pick(needing)
      return {
        kind: 'missing argument',
        argv: [
          cmd,
          ...CLI_COMMANDS[cmd].positionals.slice(0, r.int(CLI_COMMANDS[cmd].positionals.length))
        ]
      }
    }
    case 2:
      return {
        kind: 'extra argument',
        argv: [
          name,
          ...positionals,
          ...Array.from({ length: max + 1 - positionals.length + r.int(3) }, (_, i) => `extra${i}`)
        ]
      }
    case 3: {
      const amount = r.pick([
        '12.5',
        'abc',
        '0',
        '00',
        '1e3',
        '',
        '9'.repeat(41),
        '0x10',
        '+5',
        '5a',
        ' 5',
        '\u0661',
        '5,000'
      ])
      return {
        kind: 'bad amount',
        argv: r.int(2) === 0 ? ['mint', amount] : ['transfer', 'ab'.repeat(32), amount]
      }
    }
    case 4:
      return {
        kind: 'bad key',
        argv: [
          r.pick(['join', 'add-writer', 'remove-writer']),
          r.pick([
            'zz',
            'ab'.repeat(31),
            'ab'.repeat(33),
            'g'.repeat(64),
            '',
            'ab'.repeat(32) + ' '
          ])
        ]
      }
    case 5: {
      const bad = r.pick([
        'many',
        '0',
        String(MAX_PAGE_LIMIT + 1),
        '1.5',
        '',
        '99999999999999999',
        '5000'
      ])
      const flag = r.pick(['--limit', '--gte', '--lt'])
      const value = flag === '--limit' ? bad : r.pick(['abc', '1.5', '', '99999999999999999', 'x1'])
      return {
        kind: 'bad --limit/--gte/--lt',
        argv:
          r.int(2) === 0 || flag === '--gte'
            ? ['log', flag, value]
            : ['history', 'k', flag === '--gte' ? '--lt' : flag, value]
      }
    }
    case 6: {
      const cmd = r.pick(WRITE_COMMANDS)
      const flag =
        r.int(2) === 0
          ? ['--wait', r.pick(['forever', '', 'FINAL', 'applied,final', 'none '])]
          : [
              '--timeout',
              r.pick(['abc', String(MAX_SUBMIT_WAIT_MS + 1), '1.5', '', '9'.repeat(16), '1e3'])
            ]
      return {
        kind: 'bad --wait/--timeout',
        argv: [cmd, ...CLI_COMMANDS[cmd].positionals, ...flag]
      }
    }
    case 7: {
      const cmd = r.pick(['init', 'join', 'run'])
      const flag = r.pick([
        ['--bootstrap', r.pick(['nonsense', '1.2.3.4', 'host:99999', ':5', 'a:b'])],
        ['--dht-port', r.pick(['70000', 'abc', '1.5', '65536'])],
        ['--http', r.pick(['nonsense:abc', ':80', 'x:99999', '', '127.0.0.1:-1'])],
        ['--host', ''],
        ['--reachable', '--no-reachable']
      ])
      return { kind: 'bad network flag', argv: [cmd, ...CLI_COMMANDS[cmd].positionals, ...flag] }
    }
    case 8:
      return {
        kind: 'bad bootstrap flag',
        argv: [
          'bootstrap',
          ...r.pick([
            ['--port', r.pick(['0', '99999', 'abc'])],
            ['--host', r.pick(['0.0.0.0', 'localhost', '::1', '1.2.3', ''])]
          ])
        ]
      }
    case 9:
      return {
        kind: 'option without a value',
        argv: [
          name,
          ...positionals,
          r.pick(name === 'bootstrap' ? ['--port', '--host'] : ['--dir', '-d'])
        ]
      }
    case 10:
      return {
        kind: 'value for a boolean flag',
        argv: [name, ...positionals, r.pick(['--json=yes', '--help=no', '--reverse=1'])]
      }
    case 11:
      return {
        kind: 'unknown command',
        argv: [
          r.pick([
            'frobnicate',
            'stat',
            'PUT',
            'transfers',
            'run-now',
            'x'.repeat(1 + r.int(30)),
            '--bogus',
            '-q'
          ])
        ]
      }
    default:
      return {
        kind: 'bad transaction id',
        argv: [
          'tx',
          r.pick(['zz', 'ab'.repeat(15), 'ab'.repeat(17), 'g'.repeat(32), '', 'ab'.repeat(32)])
        ]
      }
  }
}

const USAGE_EXIT = exitStatusOf('USAGE')

/** Generated bad argument lists for every command, as real processes: exit 2, two lines on stderr, nothing on stdout, nothing touched. */
export async function cliBadInput(sizes: CliSizes = {}): Promise<Report> {
  const { report, rnd: r } = seededReport('bad input: CLI arguments', sizes.seed ?? seedFromEnv())
  const scene = await LoopbackDaemons.open('bad-input')
  const root = scene.root
  try {
    const dir = path.join(root, 'node')
    const untouched = path.join(root, 'never-created')
    const empty = path.join(root, 'empty')
    await fs.mkdir(empty)
    const { writerKey } = await scene.init('node')
    const daemon = await scene.run(dir)

    const failures: string[] = []
    const fail = (what: string): void => {
      if (failures.length < 20) failures.push(what)
    }
    const usage = Array.from({ length: sizes.cliCases ?? 150 }, () => usageCase(r)).map((c) => ({
      ...c,
      argv: [...c.argv, '--dir', untouched, ...(r.int(2) === 0 ? ['--json'] : [])]
    }))
    // Operational errors (exit 1) through the daemon, and on directories without a ledger.
    const miss = (): string =>
      Array.from(r.bytes(16), (b) => b.toString(16).padStart(2, '0')).join('')
    const operational: Array<{ kind: string; argv: string[]; code: string; rejected?: boolean }> = [
      { kind: 'invalid key', argv: ['put', '', 'v'], code: 'INVALID_KEY' },
      { kind: 'invalid value', argv: ['put', 'k', 'x'.repeat(17_000)], code: 'INVALID_VALUE' },
      { kind: 'invalid account', argv: ['mint', '5', '--to', 'UPPER'], code: 'INVALID_ACCOUNT' },
      { kind: 'invalid account', argv: ['open-account', 'no spaces'], code: 'INVALID_ACCOUNT' },
      { kind: 'invalid account', argv: ['transfer', 'UPPER', '5'], code: 'INVALID_ACCOUNT' },
      {
        kind: 'invalid memo',
        argv: ['transfer', writerKey, '5', '--memo', 'm'.repeat(300)],
        code: 'INVALID_MEMO'
      },
      { kind: 'not found', argv: ['get', `missing-${miss()}`], code: 'NOT_FOUND' },
      { kind: 'not found', argv: ['tx', miss()], code: 'NOT_FOUND' },
      {
        kind: 'rejected',
        argv: ['transfer', `nobody-${r.int(1e6)}`, '5'],
        code: 'REJECTED',
        rejected: true
      },
      {
        kind: 'rejected',
        argv: ['remove-writer', miss() + miss()],
        code: 'REJECTED',
        rejected: true
      },
      { kind: 'rejected', argv: ['add-writer', writerKey], code: 'REJECTED', rejected: true }
    ].map((c) => ({ ...c, argv: [...c.argv, '--dir', dir, ...(r.int(2) === 0 ? ['--json'] : [])] }))
    for (const cmd of ['status', 'log', 'members', 'balance'])
      operational.push({
        kind: 'not initialized',
        argv: [cmd, '--dir', empty, ...(r.int(2) === 0 ? ['--json'] : [])],
        code: 'NOT_INITIALIZED'
      })
    for (const cmd of [
      ['put', 'k', '1'],
      ['get', 'k'],
      ['mint', '5']
    ])
      operational.push({
        kind: 'not initialized',
        argv: [...cmd, '--dir', path.join(root, 'nothing-here', 'x')],
        code: 'NOT_INITIALIZED'
      })

    const started = Date.now()
    await pool(usage, sizes.concurrency ?? 4, async (c) => {
      report.count(`cli usage: ${c.kind}`)
      const res = await cli(c.argv, { timeout: 20_000 })
      const lines = res.stderr.split('\n').filter((l) => l.length > 0)
      const what = `autoledger ${c.argv.map((a) => JSON.stringify(a.slice(0, 40))).join(' ')}`
      if (res.code !== USAGE_EXIT)
        fail(`${what}: exit ${res.code}, expected ${USAGE_EXIT}: ${res.stderr.slice(0, 200)}`)
      else if (
        lines.length !== 2 ||
        !lines[0].startsWith('autoledger: ') ||
        lines[1] !== USAGE_HINT
      )
        fail(
          `${what}: stderr is not the problem then the --help pointer: ${JSON.stringify(res.stderr.slice(0, 300))}`
        )
      else if (res.stdout !== '') fail(`${what}: printed on stdout: ${res.stdout.slice(0, 100)}`)
    })
    await pool(operational, sizes.concurrency ?? 4, async (c) => {
      report.count(`cli operational: ${c.kind}`)
      const res = await cli(c.argv, { timeout: STEP_TIMEOUT_MS })
      const lines = res.stderr.split('\n').filter((l) => l.length > 0)
      const what = `autoledger ${c.argv.map((a) => JSON.stringify(a.slice(0, 40))).join(' ')}`
      const m = /^autoledger: ([A-Z_]+): \S/.exec(lines[0] ?? '')
      if (res.code !== exitStatusOf(c.code))
        fail(
          `${what}: exit ${res.code}, expected ${exitStatusOf(c.code)}: ${res.stderr.slice(0, 200)}`
        )
      else if (lines.length !== 1 || m === null)
        fail(
          `${what}: stderr is not one line naming the code: ${JSON.stringify(res.stderr.slice(0, 300))}`
        )
      else if (!DOCUMENTED_CODES.has(m[1]) || m[1] !== c.code)
        fail(`${what}: code ${m[1]}, expected ${c.code}`)
      else if (c.argv.includes('--json')) {
        const out = res.stdout.split('\n').filter((l) => l.length > 0)
        const ok =
          c.rejected === true
            ? out.length === 1 &&
              (JSON.parse(out[0]) as { entry?: { outcome?: string } }).entry?.outcome === 'rejected'
            : out.length === 0
        if (!ok) fail(`${what} --json: stdout ${JSON.stringify(res.stdout.slice(0, 200))}`)
      }
    })
    report.figures.cliMs = Date.now() - started
    report.check(
      'every bad command line exits 2 (usage) or 1 (operational) with the documented stderr and stdout',
      failures.length === 0,
      failures.join('\n')
    )
    report.check(
      'no usage error touched the file system',
      !(await exists(untouched)),
      `${untouched} was created`
    )
    report.check(
      'no command created a ledger where there was none',
      (await fs.readdir(empty)).length === 0 && !(await exists(path.join(root, 'nothing-here'))),
      'a directory without a ledger was written to'
    )

    const head = await fetch(daemon.url + '/v1/head').then(
      async (res) => (await res.json()) as { length: number; hash: string }
    )
    report.check(
      'the daemon served every command and is still running',
      daemon.proc.running && !daemon.proc.stderrLines.some((l) => l.includes('"level":"error"')),
      daemon.proc.stderrLines.slice(-5).join('\n')
    )
    const code = await daemon.proc.stop()
    const reopened = await offlineStatus(dir)
    report.check(
      'after SIGTERM the store reopens with the same head',
      code === 0 && reopened?.head === head.hash,
      `exit ${code}, head ${head.hash}, reopened ${JSON.stringify(reopened)}`
    )
    return report
  } finally {
    await scene.close()
  }
}
