import type { ProcessStats } from './protocol.js'

/** The UDX counters live on the DHT's UDX instance; a peer without a network reports zero. */
export interface UdxCounters {
  bytesReceived: number
  bytesTransmitted: number
}

/** This process's figures; the UDX counters of `dht` (null: a peer without a network reports zero). */
export function processStats(dht: unknown): ProcessStats {
  const udx = dht === null ? null : udxOf(dht)
  const memory = process.memoryUsage()
  return {
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    udxBytesReceived: udx?.bytesReceived ?? 0,
    udxBytesSent: udx?.bytesTransmitted ?? 0
  }
}

/** The DHT instance's UDX, which the bench reads counters from (not part of the typed surface). */
function udxOf(dht: unknown): UdxCounters {
  return (dht as { udx: UdxCounters }).udx
}

/**
 * Destroy the DHT node without unannouncing first. The bench's peers are reachable (non-ephemeral)
 * DHT nodes: once one has left, a graceful unannounce from the others waits about 5 s on queries
 * to it. The loopback testnet is destroyed right after, so there is nothing to unannounce from.
 */
export async function dropDht(dht: unknown): Promise<void> {
  if (dht !== null)
    await (dht as { destroy(opts: { force: boolean }): Promise<void> }).destroy({ force: true })
}
