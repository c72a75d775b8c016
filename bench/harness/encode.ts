// The bench needs the exact bytes the ledger writes (for MB/s and for the baselines that move the
// same bytes). These modules are internal to the library; importing them here keeps that coupling
// in one file, and the smoke test fails if it breaks.
import { toTx } from '../../lib/node/tx-input.js'
import { encodeTx } from '../../lib/ledger/tx.js'
import { packBlocks as packLedgerBlocks } from '../../lib/ledger/block.js'
import { ENCODING_VERSION, TARGET_BLOCK_BYTES } from '../../lib/ledger/limits.js'
import type { TxInput } from '../../lib/index.js'

export function encodeTransaction(tx: TxInput): Uint8Array {
  return encodeTx(toTx(tx, ENCODING_VERSION))
}

export function encodedBytes(txs: TxInput[]): number {
  let total = 0
  for (const tx of txs) total += encodeTransaction(tx).byteLength
  return total
}

/** Pack encoded transactions into blocks the way the ledger's writer does when it has a full queue. */
export function packBlocks(encoded: Uint8Array[], targetBytes = TARGET_BLOCK_BYTES): Uint8Array[] {
  return packLedgerBlocks(encoded, targetBytes)
}
