import type HyperDHT from 'hyperdht'
import { LedgerError, messageOf } from '../../errors.js'
import { usageError, str, int } from '../command.js'
import type { Command } from '../command.js'

export const DEFAULT_BOOTSTRAP_HOST = '127.0.0.1'
/** Not 49737-49741: hyperdht nodes try those first for themselves. */
export const DEFAULT_BOOTSTRAP_PORT = 49736

/** Start a bootstrap node of a private DHT on host:port (both required by hyperdht). */
export async function startBootstrapper(host: string, port: number): Promise<HyperDHT> {
  let dht: HyperDHT
  try {
    // `host` is both the address peers are told and the one the socket binds to.
    const { default: DHT } = await import('hyperdht')
    dht = DHT.bootstrapper(port, host, { host })
  } catch (err) {
    throw new LedgerError(
      'NETWORK',
      `cannot start a bootstrap node on ${host}:${port}: ${messageOf(err)}`,
      { cause: err }
    )
  }
  try {
    await dht.ready()
  } catch (err) {
    await dht.destroy().catch(() => {})
    throw new LedgerError(
      'NETWORK',
      `cannot bind ${host}:${port} (${messageOf(err)}): pick another --port`,
      { cause: err }
    )
  }
  return dht
}

export const bootstrap: Command = {
  name: 'bootstrap',
  summary:
    'Run a DHT bootstrap node for a private network and print the address to pass to --bootstrap.',
  usesDir: false,
  options: {
    host: {
      type: 'string',
      value: '<ipv4>',
      description: `address to bind and announce (default ${DEFAULT_BOOTSTRAP_HOST}; use this machine's LAN address to serve other machines)`
    },
    port: {
      type: 'string',
      value: '<port>',
      description: `UDP port (default ${DEFAULT_BOOTSTRAP_PORT})`
    }
  },
  details: [
    'Runs until Ctrl-C or SIGTERM. Nodes started with --bootstrap <host:port> find each other through it.'
  ],
  async run(ctx) {
    const host = str(ctx, 'host') ?? DEFAULT_BOOTSTRAP_HOST
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host === '0.0.0.0')
      throw usageError('--host must be the IPv4 address peers reach this node on, e.g. 127.0.0.1')
    const port = int(ctx, 'port') ?? DEFAULT_BOOTSTRAP_PORT
    if (port < 1 || port > 65535) throw usageError('--port must be from 1 to 65535')
    const dht = await startBootstrapper(host, port)
    const address = `${host}:${port}`
    ctx.out.item(
      { event: 'ready', bootstrap: address, host, port, pid: process.pid },
      `bootstrap node on ${address}; start nodes with: --bootstrap ${address}`
    )
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await dht.destroy()
  }
}
