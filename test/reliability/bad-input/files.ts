import path from 'path'
import fs from 'fs/promises'
import { spawn } from 'child_process'
import { exitStatusOf } from '../../../lib/index.js'
import { EXIT_OK } from '../../../lib/cli/output.js'
import { cli } from '../../helpers/cli.js'
import { LoopbackDaemons } from '../../helpers/daemon.js'
import { pool } from '../../helpers/pool.js'
import { finished } from '../../helpers/process.js'
import { STEP_TIMEOUT_MS } from '../../helpers/timeouts.js'
import { Report } from '../report.js'
import { offlineStatus, treeDigest, exists } from './store.js'
import { mountTmpfs, remount, umount } from './tmpfs.js'
import { DirLock } from '../../../lib/datadir/lock.js'

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await finished(child)
  return child.pid ?? 999_999
}

interface FileCase {
  kind: string
  /** Break the copy of a healthy data directory. */
  setup(dir: string): Promise<void>
  argv: string[]
  /** The code it must fail with (and the exit status that code has); none: it must succeed. */
  code?: string
  /** The store must be byte-for-byte unchanged afterwards. */
  untouched?: boolean
  /** The command opens the store: run it on the original directory (hypercore refuses to open a copy). */
  opens?: boolean
}

/** Corrupt, missing and misplaced files: stable codes, exit status 1, and the store not modified. */
export async function fileBadInput(): Promise<Report> {
  const report = new Report('bad input: files')
  const scene = await LoopbackDaemons.open('bad-input')
  const root = scene.root
  try {
    const { dir: base, key } = await scene.init('base')
    const baseHead = (await offlineStatus(base))?.head
    const baseStore = await treeDigest(path.join(base, 'store'))
    const config = await fs.readFile(path.join(base, 'config.json'), 'utf8')
    const withConfig = (patch: Record<string, unknown> | string) => async (dir: string) => {
      await fs.writeFile(
        path.join(dir, 'config.json'),
        typeof patch === 'string' ? patch : JSON.stringify({ ...JSON.parse(config), ...patch })
      )
    }
    const dead = await deadPid()
    const cases: FileCase[] = []
    const badConfigs: Array<[string, Record<string, unknown> | string]> = [
      ['garbage config', 'garbage{{{\u0000'],
      ['truncated config', config.slice(0, Math.floor(config.length / 2))],
      ['empty config', ''],
      ['config is an array', '[]'],
      ['config is null', 'null'],
      ['config is a string', '"config"'],
      ['config: key is a number', { key: 5 }],
      ['config: key is not hex', { key: 'zz'.repeat(32) }],
      ['config: unknown version', { version: 2 }],
      ['config: bootstrap is a number', { bootstrap: 5 }],
      ['config: bootstrap is nonsense', { bootstrap: 'nonsense' }],
      ['config: dhtPort is a string', { dhtPort: 'x' }],
      ['config: dhtPort out of range', { dhtPort: 70000 }],
      ['config: dhtPort is fractional', { dhtPort: 1.5 }],
      ['config: http is nonsense', { http: 'nonsense:abc' }],
      ['config: reachable is a string', { reachable: 'yes' }],
      ['config: host is empty', { host: ' ' }],
      ['config: blocked is a string', { blocked: 'ab'.repeat(32) }],
      ['config: blocked holds a short key', { blocked: ['abc'] }]
    ]
    // Each broken file meets one of the commands that read it (a command per process is the cost here).
    const commands = [['status', '--json'], ['run', '--json'], ['put', 'k', '1', '--json'], ['log']]
    badConfigs.forEach(([kind, patch], i) =>
      cases.push({
        kind,
        setup: withConfig(patch),
        argv: commands[i % commands.length],
        code: 'BAD_CONFIG',
        untouched: true
      })
    )
    for (const argv of [['status'], ['run']]) {
      cases.push({
        kind: 'missing config',
        setup: (dir) => fs.rm(path.join(dir, 'config.json')),
        argv,
        code: 'NOT_INITIALIZED',
        untouched: true
      })
    }
    cases.push({
      kind: 'config is a directory',
      setup: async (dir) => {
        await fs.rm(path.join(dir, 'config.json'))
        await fs.mkdir(path.join(dir, 'config.json'))
      },
      argv: ['put', 'k', '1'],
      code: 'BAD_CONFIG',
      untouched: true
    })
    const held: DirLock[] = []
    const lockFile = (text: string, old: boolean) => async (dir: string) => {
      await fs.writeFile(path.join(dir, 'lock'), text)
      if (old) await fs.utimes(path.join(dir, 'lock'), new Date(0), new Date(0))
    }
    const announce = (text: string) => async (dir: string) =>
      fs.writeFile(path.join(dir, 'daemon.json'), text)
    cases.push(
      {
        kind: 'daemon.json of a dead daemon',
        setup: announce(
          JSON.stringify({ pid: dead, url: 'http://127.0.0.1:1', key, startedAt: '' })
        ),
        argv: ['status', '--json'],
        opens: true
      },
      {
        kind: 'daemon.json naming a live process that is not the daemon',
        setup: announce(
          JSON.stringify({ pid: process.pid, url: 'http://127.0.0.1:1', key, startedAt: '' })
        ),
        argv: ['status', '--json'],
        opens: true
      },
      {
        kind: 'garbage daemon.json',
        setup: announce('{"pid":'),
        argv: ['status', '--json'],
        opens: true
      },
      {
        kind: 'stale lock (dead pid)',
        setup: lockFile(`${dead}\n`, false),
        argv: ['status', '--json'],
        opens: true
      },
      {
        kind: 'stale lock (garbage, left over)',
        setup: lockFile('garbage', true),
        argv: ['status', '--json'],
        opens: true
      },
      {
        kind: 'stale lock (empty, left over)',
        setup: lockFile('', true),
        argv: ['status', '--json'],
        opens: true
      },
      {
        kind: 'lock held by a live process',
        setup: async (dir) => {
          // A real hold (an operating-system lock, as every process opening the directory takes), by this process.
          const lock = new DirLock(path.join(dir, 'lock'), dir)
          await lock.acquire()
          held.push(lock)
        },
        argv: ['status', '--json'],
        code: 'LOCKED',
        untouched: true
      },
      {
        kind: 'a copied store',
        setup: async () => {},
        argv: ['status', '--json'],
        code: 'BAD_DIR',
        untouched: true
      }
    )
    const file = path.join(root, 'a-file')
    await fs.writeFile(file, 'not a directory\n')
    const fileCases: Array<[string, string[]]> = [
      ['data dir is a regular file', ['--dir', file]],
      ['data dir is under a regular file', ['--dir', path.join(file, 'sub')]]
    ]

    const failures: string[] = []
    const fail = (what: string): void => {
      if (failures.length < 20) failures.push(what)
    }
    const expectExit = (
      what: string,
      res: { code: number | null; stderr: string; stdout: string },
      code: string | null
    ): boolean => {
      const lines = res.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('{'))
      const exit = code === null ? EXIT_OK : exitStatusOf(code)
      if (res.code !== exit) {
        fail(`${what}: exit ${res.code}, expected ${exit}: ${res.stderr.slice(0, 300)}`)
        return false
      }
      if (code !== null) {
        const m = /^autoledger: ([A-Z_]+): \S/.exec(lines[0] ?? '')
        if (lines.length !== 1 || m === null) {
          fail(
            `${what}: stderr is not one line naming the code: ${JSON.stringify(res.stderr.slice(0, 300))}`
          )
          return false
        }
        if (m[1] !== code) {
          fail(`${what}: code ${m[1]}, expected ${code}: ${lines[0]}`)
          return false
        }
        if (res.stdout !== '') {
          fail(`${what}: printed on stdout: ${res.stdout.slice(0, 100)}`)
          return false
        }
      }
      return true
    }

    let n = 0
    const runCase = async (c: FileCase): Promise<void> => {
      report.count(`file: ${c.kind}`)
      const dir = c.opens === true ? base : path.join(root, `case-${n++}`)
      if (c.opens !== true) await fs.cp(base, dir, { recursive: true })
      await c.setup(dir)
      const res = await cli([...c.argv, '--dir', dir], { timeout: STEP_TIMEOUT_MS })
      const what = `${c.kind}: autoledger ${c.argv.join(' ')}`
      if (!expectExit(what, res, c.code ?? null)) return
      if (c.untouched === true && (await treeDigest(path.join(dir, 'store'))) !== baseStore)
        fail(`${what}: the store was modified`)
      if (
        c.code === undefined &&
        c.argv[0] === 'status' &&
        (res.lines[0] as { head?: string }).head !== baseHead
      )
        fail(`${what}: head ${(res.lines[0] as { head?: string }).head}, expected ${baseHead}`)
      if (c.opens === true && (await exists(path.join(dir, 'lock'))))
        fail(`${what}: the stale lock was left behind`)
      if (c.opens === true) await fs.rm(path.join(dir, 'daemon.json'), { force: true })
    }
    await pool(
      cases.filter((c) => c.opens !== true),
      4,
      runCase
    )
    for (const c of cases.filter((c) => c.opens === true)) await runCase(c)
    for (const lock of held) await lock.release()
    for (const [i, [kind, dirArgs]] of fileCases.entries()) {
      for (const argv of i === 0
        ? [['status'], ['init'], ['run']]
        : [
            ['put', 'k', '1'],
            ['join', 'ab'.repeat(32)]
          ]) {
        report.count(`file: ${kind}`)
        const res = await cli([...argv, ...dirArgs], { timeout: STEP_TIMEOUT_MS })
        expectExit(`${kind}: autoledger ${argv.join(' ')}`, res, 'BAD_DIR')
      }
      if ((await fs.readFile(file, 'utf8')) !== 'not a directory\n')
        fail(`${kind}: the file was changed`)
    }

    // Token files: a daemon replaces one without a usable token; a token broken under a running daemon makes writes UNAUTHORIZED only.
    const tokenDir = base
    await fs.writeFile(path.join(tokenDir, 'token'), 'not a token \u0000\n')
    report.count('file: corrupt token file')
    const daemon = await scene.run(tokenDir)
    if (!daemon.proc.stderrLines.some((l) => l.includes('"event":"token-replaced"')))
      fail('corrupt token file: the daemon did not log token-replaced')
    const put = await cli(['put', 'k', '1', '--json', '--dir', tokenDir])
    expectExit('corrupt token file replaced: put through the daemon', put, null)
    for (const broken of ['', 'short', 'spaces in the token file', '\u00e9'.repeat(40)]) {
      report.count('file: token broken under a running daemon')
      await fs.writeFile(path.join(tokenDir, 'token'), broken)
      expectExit(
        `token ${JSON.stringify(broken)} under a running daemon: put`,
        await cli(['put', 'k', '2', '--dir', tokenDir]),
        'UNAUTHORIZED'
      )
      expectExit(
        `token ${JSON.stringify(broken)} under a running daemon: status`,
        await cli(['status', '--json', '--dir', tokenDir]),
        null
      )
    }
    report.check(
      'the daemon with a broken token file kept running',
      daemon.proc.running,
      daemon.proc.stderrLines.slice(-3).join('\n')
    )
    await daemon.proc.stop()
    report.count('file: token file is a directory')
    await fs.rm(path.join(base, 'token'), { force: true })
    await fs.mkdir(path.join(base, 'token'))
    const refused = await cli(['run', '--json', '--dir', base], { timeout: STEP_TIMEOUT_MS })
    expectExit('token file is a directory: run', refused, 'BAD_CONFIG')
    await fs.rmdir(path.join(base, 'token'))

    // A read-only data directory (chmod does not stop root: a tmpfs remounted read-only does).
    const ro = path.join(root, 'ro')
    await fs.mkdir(ro)
    if (await mountTmpfs(ro, 16)) {
      try {
        const { dir } = await scene.init(path.join('ro', 'node'))
        const roHead = (await offlineStatus(dir))?.head
        const before = await treeDigest(path.join(dir, 'store'))
        if (!(await remount(ro, 'ro'))) throw new Error('remount read-only failed')
        for (const argv of [['status', '--json'], ['put', 'k', '1'], ['run']]) {
          report.count('file: read-only data dir')
          expectExit(
            `read-only data dir: autoledger ${argv.join(' ')}`,
            await cli([...argv, '--dir', dir], { timeout: STEP_TIMEOUT_MS }),
            'BAD_DIR'
          )
        }
        await remount(ro, 'rw')
        if ((await treeDigest(path.join(dir, 'store'))) !== before)
          fail('read-only data dir: the store changed')
        const again = await offlineStatus(dir)
        if (again === null || again.head !== roHead)
          fail(
            `read-only data dir: after remounting read-write the head is ${again?.head}, expected ${roHead}`
          )
      } finally {
        await umount(ro)
      }
    } else {
      report.figures.readOnlyDir = 'skipped: cannot mount a tmpfs here'
    }

    report.check(
      'every bad file gives the documented exit status and one line naming a stable code, the store untouched',
      failures.length === 0,
      failures.join('\n')
    )
    return report
  } finally {
    await scene.close()
  }
}
