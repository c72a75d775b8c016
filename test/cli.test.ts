import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import { tmpdir } from './helpers/temp.js'
import { cli, cliJson } from './helpers/cli.js'
import { ledgerDir, startBootstrap, startDaemon } from './helpers/daemon.js'
import { request } from './helpers/http.js'
import { until } from './helpers/wait.js'
import { RUN_LOCK_WAIT_MS } from '../lib/datadir/lock.js'
import { exitStatusOf } from '../lib/errors.js'

interface StatusJson {
  key: string
  writerKey: string
  viewKey: string
  writable: boolean
  role: string | null
  length: number
  finalLength: number
  head: string
  finalHead: string
  peers: number
  members: Array<{ key: string; role: string; indexer: boolean }>
  diverged: unknown
  stalled: unknown
  daemon: { pid: number; url: string } | null
}

const status = async (t: test.Test, dir: string): Promise<StatusJson> =>
  cliJson<StatusJson>(t, ['status', '--dir', dir])

test('cli - usage errors exit 2 with a message', async (t) => {
  const dir = await tmpdir(t)
  const cases: Array<[string[], RegExp]> = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['status', '--bogus'], /Unknown option '--bogus'/],
    [['put', 'only-a-key'], /missing argument/],
    [['get', 'a', 'b'], /unexpected argument "b"/],
    [['join', 'not-a-key'], /ledger key must be 64 hex characters/],
    [['mint', '-5'], /./],
    [['mint', '12.5'], /amount must be a positive whole number/],
    [['put', 'k', 'v', '--wait', 'forever'], /--wait must be one of/],
    [['init', '--bootstrap', 'nonsense'], /--bootstrap: bad bootstrap address "nonsense"/],
    [['log', '--limit', 'many'], /--limit must be a whole number/]
  ]
  const results = await Promise.all(cases.map(([args]) => cli([...args, '--dir', dir])))
  results.forEach((r, i) => {
    const [args, message] = cases[i]
    t.is(r.code, exitStatusOf('USAGE'), `${args.join(' ')} exits ${exitStatusOf('USAGE')}`)
    t.ok(message.test(r.stderr), `${args.join(' ')} says why: ${r.stderr.split('\n')[0]}`)
    t.is(r.stdout, '', 'nothing on stdout')
  })
  const help = await cli(['put', '--help'])
  t.is(help.code, 0, '--help exits 0')
  t.ok(help.stdout.includes('Usage: autoledger put <key> <value>'))
  t.ok((await fs.readdir(dir)).length === 0, 'no usage error touched the data directory')
})

test('cli - operational errors exit 1 with one line naming the code', async (t) => {
  const root = await tmpdir(t)
  const a = path.join(root, 'a')
  const b = path.join(root, 'b')
  const missing = await cli(['status', '--dir', path.join(root, 'none')])
  t.is(missing.code, exitStatusOf('NOT_INITIALIZED'))
  t.ok(
    /^autoledger: NOT_INITIALIZED: .*autoledger init/.test(missing.stderr),
    missing.stderr.trim()
  )
  t.is(missing.stderr.trim().split('\n').length, 1, 'one line')

  const created = await cliJson<{ key: string; writerKey: string }>(t, ['init', '--dir', a])
  t.is(created.key.length, 64)
  const again = await cli(['init', '--dir', a])
  t.is(again.code, exitStatusOf('ALREADY_INITIALIZED'))
  t.ok(again.stderr.startsWith('autoledger: ALREADY_INITIALIZED:'), again.stderr.trim())

  const noBootstrap = await cli(['run', '--dir', a])
  t.is(noBootstrap.code, exitStatusOf('BOOTSTRAP_REQUIRED'))
  t.ok(
    /^autoledger: BOOTSTRAP_REQUIRED: .*--bootstrap/.test(noBootstrap.stderr),
    noBootstrap.stderr.trim()
  )

  // Without a daemon, commands open the store themselves.
  const rejected = await cli(['transfer', 'bob', '5', '--dir', a, '--json'])
  t.is(
    rejected.code,
    exitStatusOf('REJECTED'),
    `a rejected transaction exits ${exitStatusOf('REJECTED')}`
  )
  t.ok(
    /^autoledger: REJECTED: transfer at position \d+ was rejected: ACCOUNT_NOT_FOUND/.test(
      rejected.stderr
    ),
    rejected.stderr.trim()
  )
  const entry = rejected.lines[0] as { entry: { outcome: string; reason: string } }
  t.is(entry.entry.outcome, 'rejected', 'the rejection is still printed as data')

  const notFound = await cli(['get', 'nothing-here', '--dir', a])
  t.is(notFound.code, exitStatusOf('NOT_FOUND'))
  t.ok(notFound.stderr.startsWith('autoledger: NOT_FOUND:'), notFound.stderr.trim())

  await cliJson(t, ['join', created.key, '--dir', b])
  const notWriter = await cli(['put', 'k', '1', '--dir', b])
  t.is(notWriter.code, exitStatusOf('NOT_WRITABLE'))
  t.ok(
    /^autoledger: NOT_WRITABLE: .*add its writer key/.test(notWriter.stderr),
    notWriter.stderr.trim()
  )
})

test('cli - two nodes: init, run, join, add-writer, writes via CLI and HTTP, identical heads', async (t) => {
  const bootstrap = await startBootstrap(t)
  const root = await tmpdir(t)
  const a = path.join(root, 'a')
  const b = path.join(root, 'b')

  const init = await cli(['init', '--dir', a, '--bootstrap', bootstrap])
  t.is(init.code, 0, 'init (human output)')
  const key = /ledger key\s+([0-9a-f]{64})/.exec(init.stdout)?.[1] ?? ''
  t.is(key.length, 64, 'init prints the ledger key')
  const daemonA = await startDaemon(t, a)
  t.is(daemonA.ready.key, key)

  const joined = await cliJson<{ writerKey: string }>(t, [
    'join',
    key,
    '--dir',
    b,
    '--bootstrap',
    bootstrap
  ])
  const daemonB = await startDaemon(t, b)
  t.is(daemonB.ready.writerKey, joined.writerKey)
  t.is(daemonB.ready.writable, false, 'not a writer before add-writer')

  const added = await cliJson<{ entry: { outcome: string } }>(t, [
    'add-writer',
    joined.writerKey,
    '--indexer',
    '--dir',
    a
  ])
  t.is(added.entry.outcome, 'accepted', 'add-writer through the daemon')
  await until(async () => ((await status(t, b)).writable ? true : null), 'b to become writable')

  // Writes from both nodes: CLI on b, HTTP on a, CLI on a, HTTP on b.
  const put = await cliJson<{ entry: { outcome: string; position: number } }>(t, [
    'put',
    'greeting',
    '{"hello":"world"}',
    '--dir',
    b
  ])
  t.is(put.entry.outcome, 'accepted', 'put via CLI on b')
  const http = await request(`${daemonA.ready.url}/v1/transactions`, {
    method: 'POST',
    token: daemonA.token,
    body: JSON.stringify([
      { type: 'put', key: 'from-a', value: 1 },
      { type: 'mint', account: key, amount: '1000' }
    ])
  })
  t.is(http.status, 200, 'POST /v1/transactions on a')
  t.alike(
    http.json.transactions.map((x: { entry: { outcome: string } }) => x.entry.outcome),
    ['accepted', 'accepted']
  )
  const transfer = await cliJson<{ entry: { outcome: string } }>(t, [
    'transfer',
    joined.writerKey,
    '250',
    '--memo',
    'hi',
    '--dir',
    a
  ])
  t.is(transfer.entry.outcome, 'accepted', 'transfer via CLI on a')
  await until(
    async () =>
      (await request(`${daemonB.ready.url}/v1/accounts/${joined.writerKey}`)).json.balance === '250'
        ? true
        : null,
    'b to see its balance'
  )
  const httpB = await request(`${daemonB.ready.url}/v1/transactions`, {
    method: 'POST',
    token: daemonB.token,
    body: JSON.stringify({ type: 'transfer', from: joined.writerKey, to: key, amount: 50 })
  })
  t.is(httpB.status, 200, 'POST /v1/transactions on b')

  const [sa, sb] = await until(
    async () => {
      const both = await Promise.all([status(t, a), status(t, b)])
      const [x, y] = both
      return x.length === 7 &&
        x.head === y.head &&
        x.finalHead === y.finalHead &&
        x.finalLength === x.length &&
        y.finalLength === y.length
        ? both
        : null
    },
    'both nodes to report the same final head',
    45_000
  )
  t.is(sa.head, sb.head, 'status --json heads are identical')
  t.is(sa.finalHead, sb.finalHead, 'final heads are identical')
  t.is(sa.finalLength, 7)
  t.is(sa.daemon?.url, daemonA.ready.url, 'status went through the daemon')
  for (const field of [
    'key',
    'writerKey',
    'viewKey',
    'writable',
    'role',
    'length',
    'finalLength',
    'head',
    'finalHead',
    'peers',
    'members',
    'diverged',
    'stalled'
  ]) {
    t.ok(field in sa, `status --json has ${field}`)
  }
  t.alike(
    [sa.diverged, sa.stalled, sb.diverged, sb.stalled],
    [null, null, null, null],
    'no alarm on either node'
  )
  const checked = await cli(['status', '--check', '--dir', b])
  t.is(checked.code, 0, `status --check exits 0 without an alarm: ${checked.stderr}`)
  t.ok(/^health\s+ok$/m.test(checked.stdout), 'the health line says ok')
  t.is(sb.role, 'writer')
  t.is(sa.members.length, 2)

  const got = await cli(['get', 'greeting', '--dir', a])
  t.is(got.stdout.trim(), '{"hello":"world"}', 'get prints the value b wrote')
  const balance = await cliJson<{ balance: string }>(t, ['balance', '--dir', b])
  t.is(balance.balance, '200', 'balances are decimal strings')
  const log = await cli(['log', '--dir', b, '--json', '--limit', '3'])
  t.is(log.lines.length, 3, 'log pages')
  t.ok(log.stderr.includes('more: autoledger log --gte 3'), 'and says how to get the next page')
  const id = (put as unknown as { id: string }).id
  const tx = await cliJson<{ position: number }>(t, ['tx', id, '--dir', a])
  t.is(tx.position, put.entry.position, 'tx <id> finds the entry on the other node')
  const history = await cli(['history', 'greeting', '--dir', a, '--json'])
  t.is(history.lines.length, 1)
  const members = await cli(['members', '--dir', a, '--json'])
  t.is(members.lines.length, 2)
})

test('cli - a second daemon on the same directory is refused at once', async (t) => {
  const dir = await ledgerDir(t)
  const first = await startDaemon(t, dir)
  const started = Date.now()
  const second = await cli(['run', '--dir', dir])
  t.is(second.code, exitStatusOf('LOCKED'))
  t.ok(
    new RegExp(`^autoledger: LOCKED: .*running daemon \\(pid ${first.ready.pid}`, 'm').test(
      second.stderr
    ),
    second.stderr.trim()
  )
  t.ok(
    Date.now() - started < RUN_LOCK_WAIT_MS / 2,
    'fails at once: a daemon does not let go, so there is no waiting for it'
  )
  t.absent(second.stderr.includes('waiting-for-dir'), 'without waiting')
  t.ok(first.proc.running, 'the first daemon keeps running')
  t.is((await request(`${first.ready.url}/v1/status`)).status, 200)
})

test('cli - SIGTERM shutdown then restart keeps everything; kill -9 loses nothing acknowledged', async (t) => {
  const dir = await ledgerDir(t)
  const first = await startDaemon(t, dir)
  const put = await cliJson<{ id: string; entry: { position: number } }>(t, [
    'put',
    'kept',
    '"across restarts"',
    '--dir',
    dir
  ])
  const stranger = 'ab'.repeat(32)
  await cliJson(t, ['peers', '--block', stranger, '--dir', dir])
  const before = await status(t, dir)

  t.is(await first.proc.stop('SIGTERM'), 0, 'SIGTERM exits 0')
  t.ok(
    first.proc.stderrLines.some((l) => l.includes('"event":"stopped"')),
    'logs a clean stop'
  )
  await t.exception(fs.stat(path.join(dir, 'daemon.json')), /ENOENT/, 'daemon.json removed')
  await t.exception(fs.stat(path.join(dir, 'lock')), /ENOENT/, 'lock released')

  const offline = await status(t, dir)
  t.is(offline.daemon, null, 'with no daemon, status opens the store itself')
  t.is(offline.head, before.head, 'same head after shutdown')

  const second = await startDaemon(t, dir)
  t.is(second.ready.key, before.key, 'restart reopens the same ledger')
  const after = await status(t, dir)
  t.is(after.head, before.head, 'same head after restart')
  t.is(
    (await cliJson<{ position: number }>(t, ['tx', put.id, '--dir', dir])).position,
    put.entry.position
  )
  t.alike(
    (await cliJson<{ blocked: string[] }>(t, ['peers', '--dir', dir])).blocked,
    [stranger],
    'a blocked peer stays blocked after a restart'
  )
  await cliJson(t, ['peers', '--unblock', stranger, '--dir', dir])
  t.alike(
    JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')).blocked,
    [],
    'and unblocking is saved too'
  )

  // An acknowledged write survives kill -9; the stale lock and daemon.json are taken over.
  const ack = await request(`${second.ready.url}/v1/transactions?wait=none`, {
    method: 'POST',
    token: second.token,
    body: JSON.stringify({ type: 'put', key: 'acked', value: 42 })
  })
  t.ok(ack.status === 200 || ack.status === 202, 'write acknowledged')
  await second.proc.stop('SIGKILL')
  const third = await startDaemon(t, dir)
  t.ok(third.ready.pid !== second.ready.pid)
  const got = await cli(['get', 'acked', '--dir', dir])
  t.is(got.stdout.trim(), '42', 'the acknowledged write is there after kill -9')
  t.is((await status(t, dir)).daemon?.pid, third.ready.pid, 'commands find the new daemon')
})

test('cli - direct mode: commands work without a daemon, a daemon started later sees their writes', async (t) => {
  const dir = await ledgerDir(t)
  const opened = await cli(['open-account', 'pool', '--dir', dir, '--json'])
  t.is(opened.code, 0, opened.stderr)
  const minted = await cliJson<{ entry: { outcome: string } }>(t, [
    'mint',
    '500',
    '--to',
    'pool',
    '--dir',
    dir
  ])
  t.is(minted.entry.outcome, 'accepted')
  await cliJson(t, ['del', 'nothing', '--dir', dir])
  const human = await cli(['balance', 'pool', '--dir', dir])
  t.ok(/balance\s+500/.test(human.stdout), human.stdout)

  // Time travel: 1 open-account, 2 mint, 3 del.
  const before = await cliJson<{ balance: string; at: number; final: boolean }>(t, [
    'balance',
    'pool',
    '--at',
    '2',
    '--dir',
    dir
  ])
  t.alike([before.balance, before.at, before.final], ['0', 2, true], 'the balance as of 2')
  const after = await cli(['balance', 'pool', '--at', '3', '--dir', dir])
  t.ok(/balance\s+500/.test(after.stdout), 'as of 3 it holds the mint')
  t.ok(/state\s+as of position 3, final/.test(after.stdout), after.stdout)
  const diff = await cliJson<{ items: Array<{ key: string; to: { balance: string } }> }>(t, [
    'diff',
    '1',
    '3',
    '--dir',
    dir
  ])
  t.alike(
    diff.items.map((c) => `${c.key} ${c.to.balance}`),
    ['pool 500'],
    'diff 1 3 lists the account'
  )
  const noMembers = await cliJson<{ members: unknown[]; at: number }>(t, [
    'members',
    '--at',
    '0',
    '--dir',
    dir
  ])
  t.alike([noMembers.members, noMembers.at], [[], 0], 'no members as of 0')
  const beyond = await cli(['get', 'x', '--at', '99', '--dir', dir])
  t.is(beyond.code, exitStatusOf('INVALID_ARGUMENT'))
  t.ok(beyond.stderr.includes('INVALID_ARGUMENT'), beyond.stderr)
  const daemon = await startDaemon(t, dir)
  const res = await request(`${daemon.ready.url}/v1/accounts/pool`)
  t.is(res.json.balance, '500', 'the daemon serves what the CLI wrote')
  t.is((await status(t, dir)).daemon?.pid, daemon.ready.pid, 'and commands now go through it')
})
