import path from 'path'
import fs from 'fs/promises'
import { LedgerError } from '../errors.js'
import { parseBootstrap } from '../net/bootstrap.js'
import type { DhtOptions } from '../net/dht.js'
import { writeFileAtomic } from './files.js'
import { isCanonicalId } from '../ledger/ids.js'

export const DEFAULT_DIR = './autoledger-data'
export const CONFIG_VERSION = 1

/** Everything the daemon and the CLI keep in a data directory. */
export function dataPaths(dir: string) {
  return {
    dir,
    config: path.join(dir, 'config.json'),
    store: path.join(dir, 'store'),
    lock: path.join(dir, 'lock'),
    token: path.join(dir, 'token'),
    /** A private ledger's encryption key (hex, mode 0600). */
    secret: path.join(dir, 'secret'),
    announce: path.join(dir, 'daemon.json')
  }
}
export type DataPaths = ReturnType<typeof dataPaths>

/** `--dir`, else AUTOLEDGER_DIR, else ./autoledger-data; always absolute. */
export function resolveDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.AUTOLEDGER_DIR ?? DEFAULT_DIR)
}

/** The saved settings of one node, in `<dir>/config.json`. Flags given to init, join and run update it. */
export interface NodeConfig {
  version: number
  /** Ledger key, hex. */
  key: string
  /** DHT bootstrap list as given (`host:port,...` or `public`); null until one is given. */
  bootstrap: string | null
  /** Address the DHT socket binds to. Null: 127.0.0.1 when every bootstrap node is on loopback, else 0.0.0.0. */
  host: string | null
  /** UDP port of the DHT socket. Null: any free port. */
  dhtPort: number | null
  /** Whether peers can reach this node directly. Null: true when bound to loopback. */
  reachable: boolean | null
  /** host:port of the HTTP API. Null: 127.0.0.1 on a free port (announced in daemon.json). */
  http: string | null
  /** Swarm keys (hex) of peers this node refuses to replicate with (`autoledger peers --block`). */
  blocked: string[]
  /** Swarm keys (hex) of the only peers this node connects with (`autoledger peers --allow`); null: any peer. */
  allow: string[] | null
  /** A read-only mirror (`join --mirror`): it follows and serves the ledger and never writes. */
  mirror: boolean
  /** Sync each write to disk before acknowledging it (LedgerNodeOptions.durable). Null: true. */
  durable: boolean | null
  /** Whether the ledger is private: its key is in `<dir>/secret`. False in configs older than it. */
  private: boolean
  /** A private ledger replicates only with peers that prove they hold its key (LedgerNodeOptions.requireSecret). Null: true. */
  requireSecret: boolean | null
}

/** Settings a command line may change. Undefined leaves the saved value alone. */
export type ConfigFlags = Partial<
  Pick<
    NodeConfig,
    'bootstrap' | 'host' | 'dhtPort' | 'reachable' | 'http' | 'durable' | 'allow' | 'mirror'
  >
>

export function newConfig(key: string, flags: ConfigFlags, isPrivate = false): NodeConfig {
  return applyFlags(
    {
      version: CONFIG_VERSION,
      key,
      private: isPrivate,
      bootstrap: null,
      host: null,
      dhtPort: null,
      reachable: null,
      http: null,
      blocked: [],
      allow: null,
      requireSecret: null,
      mirror: false,
      durable: null
    },
    flags
  )
}

export function applyFlags(config: NodeConfig, flags: ConfigFlags): NodeConfig {
  const next = { ...config }
  for (const name of [
    'bootstrap',
    'host',
    'dhtPort',
    'reachable',
    'http',
    'durable',
    'allow',
    'mirror'
  ] as const) {
    if (flags[name] !== undefined) (next as Record<string, unknown>)[name] = flags[name]
  }
  return next
}

export async function readConfig(paths: DataPaths): Promise<NodeConfig | null> {
  let text: string
  try {
    text = await fs.readFile(paths.config, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return null
    if (code === 'ENOTDIR') throw notADirectory(paths.dir, err)
    throw new LedgerError('BAD_CONFIG', `cannot read ${paths.config}: ${(err as Error).message}`, {
      cause: err
    })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw new LedgerError('BAD_CONFIG', `${paths.config} is not JSON: fix or remove it`, {
      cause: err
    })
  }
  return checkConfig(value, paths.config)
}

/** BAD_DIR for a --dir (or one of its parents) that is a file. */
export function notADirectory(dir: string, cause?: unknown): LedgerError {
  return new LedgerError(
    'BAD_DIR',
    `${dir} is not a directory (it or a parent is a file): pass a data directory with --dir`,
    { cause }
  )
}

/** ALREADY_INITIALIZED unless the directory holds no ledger yet (for `init` and `join --invite`). */
export async function requireNoLedger(paths: DataPaths): Promise<void> {
  const existing = await readConfig(paths)
  if (existing !== null)
    throw new LedgerError(
      'ALREADY_INITIALIZED',
      `${paths.dir} already holds ledger ${existing.key}: use another --dir`
    )
}

/** Read the config of an initialized directory, or explain how to create one. */
export async function requireConfig(paths: DataPaths): Promise<NodeConfig> {
  const config = await readConfig(paths)
  if (config === null) {
    throw new LedgerError(
      'NOT_INITIALIZED',
      `no ledger in ${paths.dir}: run \`autoledger init\` or \`autoledger join <ledger-key>\` first (or pass --dir)`
    )
  }
  return config
}

export async function writeConfig(paths: DataPaths, config: NodeConfig): Promise<void> {
  await writeFileAtomic(paths.config, JSON.stringify(config, null, 2) + '\n')
}

function checkConfig(v: unknown, file: string): NodeConfig {
  const bad = (what: string): never => {
    throw new LedgerError('BAD_CONFIG', `${file}: ${what}; fix or remove the file`)
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not an object')
  const c = v as Record<string, unknown>
  if (c.version !== CONFIG_VERSION) bad(`unknown config version ${JSON.stringify(c.version)}`)
  if (!isCanonicalId('ledger key', c.key)) bad('"key" must be 64 hex characters')
  const optional = (name: string, type: string): void => {
    if (c[name] !== null && c[name] !== undefined && typeof c[name] !== type)
      bad(`"${name}" must be a ${type} or null`)
  }
  optional('bootstrap', 'string')
  optional('host', 'string')
  optional('dhtPort', 'number')
  optional('reachable', 'boolean')
  optional('http', 'string')
  optional('durable', 'boolean')
  optional('mirror', 'boolean')
  optional('requireSecret', 'boolean')
  optional('private', 'boolean')
  if (typeof c.bootstrap === 'string') {
    try {
      parseBootstrap(c.bootstrap)
    } catch (err) {
      bad(`"bootstrap": ${(err as Error).message}`)
    }
  }
  if (typeof c.host === 'string' && c.host.trim().length === 0)
    bad('"host" must be an address, e.g. 127.0.0.1')
  if (
    typeof c.dhtPort === 'number' &&
    (!Number.isInteger(c.dhtPort) || c.dhtPort < 0 || c.dhtPort > 65535)
  )
    bad('"dhtPort" must be a port from 0 to 65535')
  if (
    c.blocked !== undefined &&
    (!Array.isArray(c.blocked) || !c.blocked.every((k) => isCanonicalId('swarm key', k)))
  ) {
    bad('"blocked" must be a list of swarm keys (64 hex characters each)')
  }
  if (
    c.allow !== undefined &&
    c.allow !== null &&
    (!Array.isArray(c.allow) || !c.allow.every((k) => isCanonicalId('swarm key', k)))
  ) {
    bad('"allow" must be null or a list of swarm keys (64 hex characters each)')
  }
  if (typeof c.http === 'string') {
    try {
      parseHostPort(c.http, '"http"')
    } catch (err) {
      bad((err as Error).message)
    }
  }
  return {
    version: CONFIG_VERSION,
    key: c.key as string,
    bootstrap: (c.bootstrap as string | undefined) ?? null,
    host: (c.host as string | undefined) ?? null,
    dhtPort: (c.dhtPort as number | undefined) ?? null,
    reachable: (c.reachable as boolean | undefined) ?? null,
    http: (c.http as string | undefined) ?? null,
    blocked: (c.blocked as string[] | undefined) ?? [],
    allow: (c.allow as string[] | null | undefined) ?? null,
    mirror: (c.mirror as boolean | undefined) ?? false,
    durable: (c.durable as boolean | undefined) ?? null,
    private: c.private === true,
    requireSecret: (c.requireSecret as boolean | undefined) ?? null
  }
}

/** DHT options from a config: the saved bootstrap list is required (never a silent public default). */
export function dhtOptions(
  config: Pick<NodeConfig, 'bootstrap' | 'host' | 'dhtPort' | 'reachable'>,
  dir: string
): DhtOptions {
  if (config.bootstrap === null) {
    throw new LedgerError(
      'BOOTSTRAP_REQUIRED',
      `no DHT bootstrap list saved for ${dir}: pass --bootstrap host:port[,host:port] (start a private one with \`autoledger bootstrap\`), or --bootstrap public to use the public DHT`
    )
  }
  const bootstrap = parseBootstrap(config.bootstrap)
  const host =
    config.host ??
    (bootstrap !== 'public' && bootstrap.every((a) => isLoopback(a.host)) ? '127.0.0.1' : undefined)
  const reachable = config.reachable ?? (host !== undefined && isLoopback(host))
  return {
    bootstrap,
    ...(host === undefined ? {} : { host }),
    ...(config.dhtPort === null ? {} : { port: config.dhtPort }),
    reachable
  }
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** Parse `host:port` (port 0 = any free port). Throws INVALID_ARGUMENT naming the flag. */
export function parseHostPort(text: string, flag: string): { host: string; port: number } {
  const i = text.lastIndexOf(':')
  const host = i < 0 ? text : text.slice(0, i).replace(/^\[(.*)\]$/, '$1')
  const port = i < 0 ? 0 : Number(text.slice(i + 1))
  if (host.length === 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new LedgerError(
      'INVALID_ARGUMENT',
      `bad ${flag} "${text}": expected host:port, e.g. 127.0.0.1:8080`
    )
  }
  return { host, port }
}
