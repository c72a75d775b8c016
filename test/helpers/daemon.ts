import path from 'path'
import fs from 'fs/promises'
import type test from 'brittle'
import { Spawned, cli, cliJson } from './cli.js'
import { LOOPBACK, loopbackTestnet } from './loopback.js'
import type { LoopbackTestnet } from './loopback.js'
import { tempDir, tmpdir } from './temp.js'
import { STEP_TIMEOUT_MS } from './timeouts.js'

export interface Ready {
  event: 'ready'
  pid: number
  url: string
  key: string
  writerKey: string
  writable: boolean
  dir: string
}

/** A running `autoledger run` process: its ready line, its API token and URL. */
export interface DaemonProc {
  proc: Spawned
  ready: Ready
  token: string
  url: string
}

/** `autoledger run --json` on an initialized directory; resolves once it is serving (the process is killed if it never is). */
export async function runDaemon(dir: string, args: string[] = []): Promise<DaemonProc> {
  const proc = new Spawned(['run', '--json', '--dir', dir, ...args])
  try {
    const ready = JSON.parse(
      await proc.line((l) => l.startsWith('{'), { timeout: STEP_TIMEOUT_MS })
    ) as Ready
    const token = (await fs.readFile(path.join(dir, 'token'), 'utf8')).trim()
    return { proc, ready, token, url: ready.url }
  } catch (err) {
    await proc.stop('SIGKILL')
    throw err
  }
}

/** `runDaemon`, stopped (SIGKILL if SIGTERM is not enough) when the test ends. */
export async function startDaemon(
  t: test.Test,
  dir: string,
  args: string[] = []
): Promise<DaemonProc> {
  const daemon = await runDaemon(dir, args)
  t.teardown(async () => {
    await daemon.proc.stop()
  })
  return daemon
}

/** `autoledger init --json` on a fresh directory with a loopback bootstrap list: the new ledger's keys. */
export async function initLedgerDir(
  dir: string,
  bootstrap: string
): Promise<{ key: string; writerKey: string }> {
  const r = await cli(['init', '--json', '--dir', dir, '--bootstrap', bootstrap])
  if (r.code !== 0) throw new Error(`init failed (${r.code}): ${r.stderr}`)
  return r.lines[0] as { key: string; writerKey: string }
}

/** An initialized data directory (`<tmp>/<name>`) on a fresh private bootstrap node, ready for `run`; all gone when the test ends. */
export async function ledgerDir(t: test.Test, name = 'a'): Promise<string> {
  const bootstrap = await startBootstrap(t)
  const dir = path.join(await tmpdir(t), name)
  await cliJson(t, ['init', '--dir', dir, '--bootstrap', bootstrap])
  return dir
}

/** A fresh private DHT: `autoledger bootstrap` on a free loopback port; stopped after the daemons (teardown order 1). */
export async function startBootstrap(t: test.Test): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const p = new Spawned(['bootstrap', '--json', '--host', LOOPBACK, '--port', String(port)], {
      ipc: false
    })
    try {
      const ready = JSON.parse(await p.line((l) => l.startsWith('{'), { timeout: 15_000 })) as {
        bootstrap: string
      }
      t.teardown(
        async () => {
          await p.stop()
        },
        { order: 1 }
      )
      return ready.bootstrap
    } catch (err) {
      await p.stop('SIGKILL')
      if (attempt >= 4) throw err // the random port was taken, five times
    }
  }
}

/**
 * For runs outside a test: a temporary root directory, a loopback testnet, and the daemons started
 * on it, all ended by `close` (daemons still running are SIGKILLed).
 */
export class LoopbackDaemons {
  private readonly daemons: DaemonProc[] = []

  private constructor(
    readonly root: string,
    private readonly removeRoot: () => Promise<void>,
    readonly testnet: LoopbackTestnet
  ) {}

  static async open(label: string): Promise<LoopbackDaemons> {
    const tmp = await tempDir(label)
    return new LoopbackDaemons(tmp.dir, tmp.remove, await loopbackTestnet())
  }

  /** A new ledger in `<root>/<name>`, on this testnet: its directory and keys. */
  async init(name: string): Promise<{ dir: string; key: string; writerKey: string }> {
    const dir = path.join(this.root, name)
    return { dir, ...(await initLedgerDir(dir, this.testnet.flag)) }
  }

  /** `runDaemon`, SIGKILLed at `close` unless it has stopped by then. */
  async run(dir: string, args: string[] = []): Promise<DaemonProc> {
    const daemon = await runDaemon(dir, args)
    this.daemons.push(daemon)
    return daemon
  }

  async killDaemons(): Promise<void> {
    for (const d of this.daemons.splice(0)) await d.proc.stop('SIGKILL')
  }

  async close(): Promise<void> {
    await this.killDaemons()
    await this.testnet.destroy()
    await this.removeRoot()
  }
}
