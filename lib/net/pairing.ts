import Hyperswarm from 'hyperswarm'
import BlindPairing from 'blind-pairing'
import b4a from 'b4a'
import { LedgerError } from '../errors.js'
import type { ErrorCode } from '../errors.js'
import { createDht } from './dht.js'
import type { DhtOptions } from './dht.js'

/** A joining node looks for a reply on the DHT this often, besides asking connected admins directly (ms). */
const CANDIDATE_POLL_MS = 2000

/** What an admin's reply gives a joining node: the ledger, and its encryption key if it is private. */
export interface PairingResult {
  key: Buffer
  encryptionKey: Buffer | null
}

export interface PairOptions {
  network: DhtOptions
  /** The blind-pairing invite from the code. */
  invite: Buffer
  /** The joining node's writer key: what the admin adds. */
  writerKey: Uint8Array
  /** The joining node's swarm identity: an admin with an allowlist adds its public key. */
  keyPair: { publicKey: Buffer; secretKey: Buffer }
  timeout: number
}

/** Reasons an admin gives for refusing (blind-pairing's codes), as the ledger's codes. */
const REFUSALS: Record<string, [ErrorCode, string]> = {
  PAIRING_REJECTED: ['INVITE_REVOKED', 'the invite was revoked'],
  INVITE_USED: ['INVITE_USED', 'the invite has been used as many times as it allows'],
  INVITE_EXPIRED: ['INVITE_EXPIRED', 'the invite has expired']
}

/**
 * Pair over blind pairing: announce the request for the invite on the ledger's topic (and on the
 * DHT), and wait for an admin's reply. The request is encrypted to the invite, so only a node that
 * holds the invite's record in the ledger can read it; the reply only the holder of the invite can
 * open. Throws the admin's refusal, or INVITE_UNANSWERED when no admin replies in time.
 */
export async function pairByInvite(opts: PairOptions): Promise<PairingResult> {
  // Ephemeral, whatever the node's own setting: a short-lived non-ephemeral DHT node stays in peers'
  // routing tables after it closes and slows their next lookups, the joining node's own first one too.
  const swarm = new Hyperswarm({
    dht: createDht({ ...opts.network, reachable: false }),
    keyPair: opts.keyPair
  })
  swarm.on('connection', (conn: Hyperswarm.Connection) => conn.on('error', () => {}))
  const pairing = new BlindPairing(swarm, { poll: CANDIDATE_POLL_MS })
  // Resolve on the reply itself: `candidate.pairing` also waits for a DHT lookup in flight.
  let onPaired!: (result: BlindPairing.PairingResult) => void
  const paired = new Promise<BlindPairing.PairingResult>((resolve) => {
    onPaired = resolve
  })
  const candidate = pairing.addCandidate({
    invite: opts.invite,
    userData: b4a.concat([opts.writerKey, opts.keyPair.publicKey]),
    onadd: async (result) => onPaired(result)
  })
  let timer: NodeJS.Timeout | undefined
  try {
    const refused = new Promise<never>((_resolve, reject) => {
      candidate.request.once('rejected', (err: Error & { code?: string }) => {
        const [code, message] = REFUSALS[err.code ?? ''] ?? ['INVITE_REVOKED', err.message]
        reject(new LedgerError(code, `an admin refused the invite: ${message}`))
      })
    })
    const late = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LedgerError(
              'INVITE_UNANSWERED',
              `no admin answered the invite within ${Math.round(opts.timeout / 1000)} s: an admin's daemon must be running and reachable over this bootstrap list, and the code must be a real invite of that ledger`
            )
          ),
        opts.timeout
      )
    })
    const result = await Promise.race([paired, refused, late])
    return { key: result.key, encryptionKey: result.encryptionKey ?? null }
  } finally {
    clearTimeout(timer)
    // The DHT first: the candidate's close waits for its lookups in flight, which this ends.
    await swarm.destroy()
    await candidate.close().catch(() => {})
    await pairing.close().catch(() => {})
  }
}
