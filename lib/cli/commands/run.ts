import { Logger } from '../../daemon/log.js'
import { LedgerError, codeOf, messageOf } from '../../errors.js'
import { DEFAULT_MIN_FREE_BYTES } from '../../datadir/disk.js'
import { RUN_LOCK_WAIT_MS } from '../../datadir/lock.js'
import { int, usageError } from '../command.js'
import type { Command } from '../command.js'
import { NETWORK_OPTIONS, networkFlags } from '../network-flags.js'

/** Give up on a clean shutdown after this long (ms) and exit 1. */
export const SHUTDOWN_TIMEOUT_MS = 15_000
/** Largest --min-free (MiB): 1 TiB. */
const MAX_MIN_FREE_MIB = 1024 * 1024

export const run: Command = {
  name: 'run',
  summary:
    'Run the node: join the swarm, replicate the ledger, serve the HTTP API. Stops cleanly on Ctrl-C or SIGTERM.',
  options: {
    ...NETWORK_OPTIONS,
    verbose: {
      type: 'boolean',
      short: 'v',
      description: 'also log debug events (refused HTTP requests)'
    },
    'min-free': {
      type: 'string',
      value: '<MiB>',
      description: `refuse writes (DISK_FULL) while the disk has less free space than this (default ${DEFAULT_MIN_FREE_BYTES / 1024 / 1024}; 0: never)`
    },
    durable: {
      type: 'boolean',
      description:
        'sync each write to disk before acknowledging it, so that it survives power loss (the default)'
    },
    'no-durable': {
      type: 'boolean',
      description:
        'acknowledge writes before they are synced: faster, survives a killed process but not power loss'
    }
  },
  details: [
    'Prints one line when ready (stdout, JSON with --json); logs one line per event on stderr (JSON with --json).',
    'Writes <dir>/daemon.json (its HTTP address) and <dir>/token (the bearer token for writes, mode 0600);',
    'other commands on the same --dir then go through it. One daemon per directory.',
    `If a command holds the directory, waits for it up to ${RUN_LOCK_WAIT_MS / 1000} s (logging waiting-for-dir); if a daemon holds it, fails at once with LOCKED.`,
    '--durable / --no-durable is saved in config.json (key "durable") and applies to commands that open the store too.'
  ],
  async run(ctx) {
    const flags = networkFlags(ctx)
    if (ctx.values.durable === true && ctx.values['no-durable'] === true)
      throw usageError('give --durable or --no-durable, not both')
    if (ctx.values.durable === true) flags.durable = true
    if (ctx.values['no-durable'] === true) flags.durable = false
    const minFree = int(ctx, 'min-free')
    if (minFree !== undefined && minFree > MAX_MIN_FREE_MIB)
      throw usageError(`--min-free is at most ${MAX_MIN_FREE_MIB} (MiB)`)
    const log = new Logger({
      json: ctx.out.json,
      level: ctx.values.verbose === true ? 'debug' : 'info'
    })
    const { Daemon } = await import('../../daemon/daemon.js')
    const daemon = new Daemon({
      dir: ctx.dir,
      flags,
      log,
      ...(minFree === undefined ? {} : { minFreeBytes: minFree * 1024 * 1024 })
    })
    // Why the daemon stopped on its own (a node error, a bug), reported as the command's error (exit 1).
    let failure: unknown = null
    const stopped = new Promise<number>((resolve) => {
      let stopping = false
      const stop = (signal: string, exitCode = 0, err: unknown = null): void => {
        failure ??= err
        if (stopping) {
          log.warn('forced-exit', { signal })
          process.exit(130)
        }
        stopping = true
        log.info('shutdown', { signal })
        const timer = setTimeout(() => {
          log.error('shutdown-timeout', { ms: SHUTDOWN_TIMEOUT_MS })
          resolve(1)
        }, SHUTDOWN_TIMEOUT_MS)
        timer.unref()
        daemon.close().then(
          () => {
            clearTimeout(timer)
            log.info('stopped')
            resolve(exitCode)
          },
          (err) => {
            log.error('shutdown-error', { code: codeOf(err), message: messageOf(err) })
            resolve(1)
          }
        )
      }
      process.on('SIGINT', () => stop('SIGINT'))
      process.on('SIGTERM', () => stop('SIGTERM'))
      // Started by another process over IPC (the demo, tests): stop when that process goes away.
      if (process.channel !== undefined) process.once('disconnect', () => stop('parent-exit'))
      // A bug somewhere below must not leave a half-working node behind: log it, close, exit 1.
      const fatal = (err: unknown): void => {
        log.error('fatal', {
          code: codeOf(err),
          message: messageOf(err),
          stack: err instanceof Error ? err.stack : undefined
        })
        stop('fatal', 1, err)
      }
      process.on('uncaughtException', fatal)
      process.on('unhandledRejection', fatal)
      daemon.on('fatal', (err) => stop('node-error', 1, err))
    })
    await daemon.ready()
    const status = await daemon.node.status()
    const ready = {
      event: 'ready',
      pid: process.pid,
      url: daemon.url,
      key: status.key,
      writerKey: status.writerKey,
      writable: status.writable,
      mode: status.mode,
      role: status.role,
      dir: ctx.dir
    }
    log.info('ready', {
      url: daemon.url,
      key: status.key,
      writerKey: status.writerKey,
      writable: status.writable,
      mode: status.mode,
      role: status.role,
      length: status.length,
      durable: daemon.durable
    })
    ctx.out.item(
      ready,
      `autoledger running: ledger ${status.key}  http ${daemon.url}  pid ${process.pid}`
    )
    const code = await stopped
    // main exits 0 after a command returns: a failed stop must be an error to exit 1.
    if (failure !== null) {
      const c = codeOf(failure)
      throw new LedgerError(
        c === 'DISK_FULL' || c === 'LOCKED' ? c : 'INTERNAL',
        c === 'DISK_FULL'
          ? `the disk of ${ctx.dir} is full (${messageOf(failure)}): the node stopped; free some space, then run again`
          : `the node stopped: ${messageOf(failure)}`,
        { cause: failure }
      )
    }
    if (code !== 0)
      throw new LedgerError('INTERNAL', 'the node did not shut down cleanly: see the log above')
  }
}
