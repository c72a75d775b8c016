import { parseBootstrap } from '../net/bootstrap.js'
import { parseHostPort } from '../datadir/config.js'
import type { ConfigFlags } from '../datadir/config.js'
import { messageOf } from '../errors.js'
import { usageError, str, int, hexKey } from './command.js'
import type { CommandContext, OptionSpec } from './command.js'

/** Flags of init, join and run: saved in the config file, so later commands need only --dir. */
export const NETWORK_OPTIONS: Record<string, OptionSpec> = {
  bootstrap: {
    type: 'string',
    value: '<host:port,...>',
    description: 'DHT bootstrap nodes (from `autoledger bootstrap`), or "public" for the public DHT'
  },
  host: {
    type: 'string',
    value: '<address>',
    description:
      'address the DHT binds to (default 127.0.0.1 when every bootstrap node is on loopback, else 0.0.0.0)'
  },
  'dht-port': {
    type: 'string',
    value: '<port>',
    description: 'UDP port of the DHT (default: any free port)'
  },
  reachable: {
    type: 'boolean',
    description:
      'peers can reach this node directly (loopback, LAN, open port): they connect at once (default: on for a loopback host)'
  },
  'no-reachable': {
    type: 'boolean',
    description: 'this node is behind a NAT or firewall: peers hole-punch to it'
  },
  http: {
    type: 'string',
    value: '<host:port>',
    description: 'HTTP API address of `run` (default 127.0.0.1 on a free port)'
  },
  allow: {
    type: 'string',
    value: '<swarm-key,...>',
    description: 'connect only with these peers (replaces the saved allowlist; default: any peer)'
  }
}

/** The network settings given on the command line (undefined: keep the saved one). */
export function networkFlags(ctx: CommandContext): ConfigFlags {
  const flags: ConfigFlags = {}
  const bootstrap = str(ctx, 'bootstrap')
  if (bootstrap !== undefined) {
    try {
      parseBootstrap(bootstrap)
    } catch (err) {
      throw usageError(`--bootstrap: ${messageOf(err)}`)
    }
    flags.bootstrap = bootstrap.trim()
  }
  const host = str(ctx, 'host')
  if (host !== undefined) {
    if (host.length === 0) throw usageError('--host needs an address, e.g. 127.0.0.1')
    flags.host = host
  }
  const port = int(ctx, 'dht-port')
  if (port !== undefined) {
    if (port > 65535) throw usageError('--dht-port must be at most 65535')
    flags.dhtPort = port
  }
  if (ctx.values.reachable === true && ctx.values['no-reachable'] === true)
    throw usageError('give --reachable or --no-reachable, not both')
  if (ctx.values.reachable === true) flags.reachable = true
  if (ctx.values['no-reachable'] === true) flags.reachable = false
  const http = str(ctx, 'http')
  if (http !== undefined) {
    try {
      parseHostPort(http, '--http')
    } catch (err) {
      throw usageError(messageOf(err))
    }
    flags.http = http
  }
  const allow = str(ctx, 'allow')
  if (allow !== undefined) {
    const keys = allow
      .split(',')
      .map((k) => k.trim())
      .filter((k) => k.length > 0)
    if (keys.length === 0)
      throw usageError('--allow needs swarm keys: <swarm-key>[,<swarm-key>...]')
    flags.allow = keys.map((k) => hexKey(k, 'swarm key'))
  }
  return flags
}
