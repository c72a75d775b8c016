import c from 'compact-encoding'
import { decodeExact } from './primitives.js'
import { ENCODING_VERSION, MAX_BLOCK_TXS } from './limits.js'

/**
 * A block is the value of one autobase node: a format version byte, then a count and that many
 * length-prefixed transactions. Packing many transactions into one node keeps per-node costs
 * (signing, hashing, linearizing) off the per-transaction path.
 */
const BLOCK_VERSION = ENCODING_VERSION

const txList = c.array(c.buffer)

export function encodeBlock(txs: Uint8Array[]): Uint8Array {
  const state = c.state()
  state.end += 1
  txList.preencode(state, txs)
  state.buffer = new Uint8Array(state.end)
  c.uint8.encode(state, BLOCK_VERSION)
  txList.encode(state, txs)
  return state.buffer
}

/** Pack encoded transactions, in order, into blocks of up to `targetBytes` and MAX_BLOCK_TXS each. */
export function packBlocks(txs: Uint8Array[], targetBytes: number): Uint8Array[] {
  const blocks: Uint8Array[] = []
  let current: Uint8Array[] = []
  let size = 0
  for (const tx of txs) {
    const cost = blockCost(tx.byteLength)
    if (current.length > 0 && (size + cost > targetBytes || current.length === MAX_BLOCK_TXS)) {
      blocks.push(encodeBlock(current))
      current = []
      size = 0
    }
    current.push(tx)
    size += cost
  }
  if (current.length > 0) blocks.push(encodeBlock(current))
  return blocks
}

/** Bytes a transaction of `txBytes` bytes adds to a block (its length prefix included). */
export function blockCost(txBytes: number): number {
  const state = c.state()
  c.uint.preencode(state, txBytes)
  return state.end + txBytes
}

export type DecodedBlock =
  { ok: true; version: number; txs: Uint8Array[] } | { ok: false; version: number }

/**
 * Never throws. An empty or malformed block is `ok: false`; `version` is 0 when even that is missing.
 * Version 0 is never written (versions start at 1), so a block claiming it is malformed too.
 */
export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  if (bytes.byteLength < 1) return { ok: false, version: 0 }
  const version = bytes[0]
  if (version === 0) return { ok: false, version }
  const txs = decodeExact(txList, bytes.subarray(1))
  if (txs === null || txs.length === 0) return { ok: false, version }
  return { ok: true, version, txs }
}
