/**
 * The `autoledger run` process: open the directory, serve HTTP, announce, log, shut down cleanly.
 * Slightly over 300 lines, as one lifecycle whose steps depend on each other's state.
 */
import ReadyResource from 'ready-resource'
import { formatBootstrap } from '../net/dht.js'
import type { Member } from '../ledger/results.js'
import type { Peers } from '../node/status.js'
import type { LedgerNode } from '../node/node.js'
import { ApiServer } from '../http/server.js'
import { LedgerApi } from '../api/operations.js'
import {
  dataPaths,
  requireConfig,
  applyFlags,
  writeConfig,
  dhtOptions,
  parseHostPort
} from '../datadir/config.js'
import type { ConfigFlags, DataPaths, NodeConfig } from '../datadir/config.js'
import { openForDaemon } from './dir-wait.js'
import type { LocalNode } from '../api/local.js'
import { ensureToken } from '../datadir/token.js'
import { announce, unannounce } from '../datadir/announce.js'
import { Logger } from './log.js'
import { SyncProgress } from './progress.js'
import { logAlarms } from './alarm-log.js'
import { codeOf, messageOf } from '../errors.js'
import { DiskGuard, DEFAULT_MIN_FREE_BYTES } from '../datadir/disk.js'

/** How often the daemon looks at the peer count and the member list (ms). */
export const WATCH_INTERVAL_MS = 500
/** A timer this late means the event loop was blocked (HTTP replies and replication waited): logged as `event-loop-blocked`. */
export const STALL_WARN_MS = 1000
/** At most one `final` log line per this many ms. */
export const FINAL_LOG_INTERVAL_MS = 1000
/** How long `ready` waits for the first announcement on the DHT before going on without it (ms). */
export const ANNOUNCE_TIMEOUT_MS = 10_000

export interface DaemonOptions {
  /** The data directory (absolute). */
  dir: string
  /** Settings given on the command line: they override the config file and are saved to it. */
  flags?: ConfigFlags
  log?: Logger
  /** Refuse writes (DISK_FULL) while the data directory's disk has less free space than this (bytes). Default DEFAULT_MIN_FREE_BYTES; 0 turns the check off. */
  minFreeBytes?: number
}

export interface DaemonEvents {
  /** The node failed and cannot go on; the owner should close the daemon and exit non-zero. */
  fatal: (err: Error) => void
}

export interface Daemon {
  on<E extends keyof DaemonEvents>(event: E, listener: DaemonEvents[E]): this
  once<E extends keyof DaemonEvents>(event: E, listener: DaemonEvents[E]): this
  emit<E extends keyof DaemonEvents>(event: E, ...args: Parameters<DaemonEvents[E]>): boolean
}

/**
 * `autoledger run`: one node on a data directory, on the swarm, serving the HTTP API. Opens in the
 * order lock, node (store, base, network), HTTP, announcement; closes in reverse.
 */
export class Daemon extends ReadyResource {
  readonly paths: DataPaths
  readonly log: Logger
  private local: LocalNode | null = null
  private server: ApiServer | null = null
  private timers: NodeJS.Timeout[] = []
  private progress: SyncProgress | null = null
  url = ''
  token = ''
  /** Whether writes are synced to disk before they are acknowledged (the config's `durable`). */
  durable = true

  constructor(private readonly opts: DaemonOptions) {
    super()
    this.paths = dataPaths(opts.dir)
    this.log = opts.log ?? new Logger()
  }

  get node(): LocalNode['node'] {
    if (this.local === null) throw new Error('the daemon is not open')
    return this.local.node
  }

  async _open(): Promise<void> {
    try {
      await this.start()
    } catch (err) {
      await this.stop()
      throw err
    }
  }

  async _close(): Promise<void> {
    await this.stop()
  }

  private async start(): Promise<void> {
    const saved = await requireConfig(this.paths)
    const config = applyFlags(saved, this.opts.flags ?? {})
    const dht = dhtOptions(config, this.paths.dir) // fails here, before anything opens, without a bootstrap list
    const http = parseHostPort(config.http ?? '127.0.0.1:0', '--http')

    this.durable = config.durable ?? true
    // Takes the directory's lock, waiting a little for a command that holds it.
    this.local = await openForDaemon(
      this.paths,
      {
        key: config.key,
        network: dht,
        blocked: config.blocked,
        allow: config.allow,
        mirror: config.mirror,
        requireSecret: config.requireSecret ?? true,
        durable: this.durable,
        private: config.private
      },
      this.log
    )
    if (this.local.secretTightened)
      this.log.warn('secret-permissions-fixed', { file: this.paths.secret, mode: '0600' })
    const node = this.local.node
    // Keep the DHT port the node got on its first run: after a crash, peers' routing tables and the
    // bootstrap node still point at it, where a new port would leave them a dead entry to time out on.
    if (config.dhtPort === null) config.dhtPort = node.dhtPort
    if (JSON.stringify(config) !== JSON.stringify(saved)) await writeConfig(this.paths, config)
    this.log.info('network', {
      bootstrap: formatBootstrap(dht.bootstrap),
      host: dht.host ?? '0.0.0.0',
      reachable: dht.reachable === true
    })

    const token = await ensureToken(this.paths.token)
    if (token.created) this.log.info('token-created', { file: this.paths.token })
    if (token.tightened)
      this.log.warn('token-permissions-fixed', { file: this.paths.token, mode: '0600' })
    if (token.replaced)
      this.log.warn('token-replaced', {
        file: this.paths.token,
        message: 'the token file held no usable token: a new one was written'
      })
    this.token = token.token

    const disk = new DiskGuard(this.paths.dir, this.opts.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES)
    this.server = new ApiServer({
      api: new DaemonApi(node, this.paths, config),
      token: this.token,
      host: http.host,
      port: http.port,
      beforeWrite: () => disk.check(),
      onStreamEnd: (how) => {
        if (how === 'slow')
          this.log.warn('events-reader-dropped', {
            message: 'an event stream client did not read its events in time: it was cut off'
          })
      },
      onServerError: (err, req) =>
        this.log.error('http-error', {
          method: req.method,
          path: req.path,
          code: codeOf(err),
          message: messageOf(err)
        }),
      onClientError: (err, req) =>
        this.log.debug('http-refused', {
          method: req.method,
          path: req.path,
          status: req.status,
          code: codeOf(err)
        })
    })
    this.url = await this.server.listen()
    await announce(this.paths.announce, {
      pid: process.pid,
      url: this.url,
      key: node.key.toString('hex'),
      startedAt: new Date().toISOString()
    })
    this.watch()
    await this.announced()
  }

  /**
   * Wait until the node is announced on the DHT and its first lookup is done, so that a node
   * started after this one finds it (hyperswarm repeats a lookup only every 10 minutes).
   */
  private async announced(): Promise<void> {
    let timer: NodeJS.Timeout | null = null
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ANNOUNCE_TIMEOUT_MS)
    })
    const started = Date.now()
    const done = await Promise.race([this.node.flushed().then(() => true), timeout])
    if (timer !== null) clearTimeout(timer)
    if (done) this.log.info('announced', { ms: Date.now() - started, peers: this.node.peers })
    else
      this.log.warn('announce-slow', {
        ms: ANNOUNCE_TIMEOUT_MS,
        message: 'not announced on the DHT yet: is the bootstrap node up?'
      })
  }

  private async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    this.progress?.stop()
    await this.server?.close()
    await unannounce(this.paths.announce) // CLI commands stop looking for us here
    await this.local?.close() // network, then base, then store; then the lock
  }

  /** Turn node events into log lines: peers, members (polled), writability, finality, reorders, errors. */
  private watch(): void {
    const node = this.node
    const log = this.log
    this.progress = new SyncProgress(node, log)

    node.on('peer-add', ({ peers }) => log.info('peer-joined', { peers }))
    node.on('peer-remove', ({ peers }) => log.info('peer-left', { peers }))
    let members: Map<string, Member> | null = null
    let checking = false
    this.timers.push(
      setInterval(() => {
        if (checking || node.closing) return
        checking = true
        node
          .members()
          .then(
            (list) => {
              const next = new Map(list.map((m) => [m.key, m]))
              if (members !== null) {
                for (const [key, m] of next)
                  if (!members.has(key))
                    log.info('member-added', {
                      key,
                      role: m.role,
                      indexer: m.indexer,
                      position: m.since
                    })
                for (const key of members.keys())
                  if (!next.has(key)) log.info('member-removed', { key })
              }
              members = next
            },
            () => {}
          )
          .finally(() => {
            checking = false
          })
      }, WATCH_INTERVAL_MS)
    )

    let tick = Date.now()
    this.timers.push(
      setInterval(() => {
        const late = Date.now() - tick - WATCH_INTERVAL_MS
        tick = Date.now()
        if (late > STALL_WARN_MS) log.warn('event-loop-blocked', { ms: late })
      }, WATCH_INTERVAL_MS)
    )

    let lastFinalLog = 0
    let finalTimer: NodeJS.Timeout | null = null
    const logFinal = (): void => {
      finalTimer = null
      lastFinalLog = Date.now()
      if (node.closing) return
      node.head().then(
        (head) => log.info('final', { length: head.final.length, hash: head.final.hash }),
        () => {}
      )
    }
    node.on('final', () => {
      if (finalTimer !== null) return
      finalTimer = setTimeout(
        logFinal,
        Math.max(0, lastFinalLog + FINAL_LOG_INTERVAL_MS - Date.now())
      )
      this.timers.push(finalTimer)
    })
    node.on('reorder', ({ length }) => log.info('reorder', { length }))
    node.on('invite-use', (use) =>
      use.outcome === 'admitted'
        ? log.info('invite-admitted', { ...use })
        : log.warn('invite-refused', { ...use })
    )
    node.on('fast-forward', () =>
      log.info('fast-forward', { length: node.length, finalLength: node.finalLength })
    )
    node.on('writable', () => log.info('writable', { writerKey: node.writerKey.toString('hex') }))
    node.on('upgrade-required', (reason) => log.error('upgrade-required', { message: reason }))
    logAlarms(node, log)
    node.on('error', (err) => {
      // The base closes after an error: nothing more can be served, so the daemon stops (exit 1).
      const code = codeOf(err)
      log.error('node-error', {
        code,
        message:
          code === 'DISK_FULL'
            ? `the disk of ${this.paths.dir} is full (${messageOf(err)}): the ledger stopped; free space, then run again`
            : messageOf(err)
      })
      this.emit('fatal', err)
    })
  }
}

/** The API a daemon serves: a local node's; blocking, unblocking, allowing and disallowing a peer are saved in config.json, so they outlast a restart. */
class DaemonApi extends LedgerApi {
  private saving: Promise<void> = Promise.resolve()

  constructor(
    node: LedgerNode,
    private readonly paths: DataPaths,
    private readonly config: NodeConfig
  ) {
    super(node)
    // An admitted node's swarm key joins the allowlist (when there is one): keep it across restarts.
    node.on('invite-use', (use) => {
      if (use.outcome === 'admitted' && config.allow !== null)
        this.saved(node.peerList()).catch(() => {})
    })
  }

  async block(swarmKey: string): Promise<Peers> {
    return this.saved(await super.block(swarmKey))
  }

  async unblock(swarmKey: string): Promise<Peers> {
    return this.saved(await super.unblock(swarmKey))
  }

  async allow(swarmKey: string): Promise<Peers> {
    return this.saved(await super.allow(swarmKey))
  }

  async disallow(swarmKey: string): Promise<Peers> {
    return this.saved(await super.disallow(swarmKey))
  }

  private async saved(peers: Peers): Promise<Peers> {
    this.saving = this.saving
      .catch(() => {})
      .then(async () => {
        const { blocked, allowed } = this.node.peerList()
        this.config.blocked = blocked
        this.config.allow = allowed
        await writeConfig(this.paths, this.config)
      })
    await this.saving
    return peers
  }
}
