/** Messages between the bench runner and a peer process (Node IPC, structured-clone serialization). */
export interface Request {
  id: number
  method: string
  params: unknown
}

export type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { message: string; stack?: string } }

/** Process-level figures every peer reports. */
export interface ProcessStats {
  /** Peak resident set size of the peer process, bytes. */
  maxRssBytes: number
  /** Bytes received and sent over UDX (the swarm transport and the DHT) by this process. */
  udxBytesReceived: number
  udxBytesSent: number
  /** V8 heap in use, and memory outside it (Buffers, native allocations V8 knows of), when asked. */
  heapUsedBytes: number
  externalBytes: number
}

/** Methods every peer role has. */
export interface PeerBase {
  stats(): Promise<ProcessStats>
  /** Close everything the role opened (network, then base, then store). */
  shutdown(): Promise<void>
}

export type PeerRole = 'ledger' | 'raw' | 'naive'
