import { encodeTx } from '../../lib/ledger/tx.js'
import type { Tx, TxBody } from '../../lib/ledger/tx.js'
import type { Random } from './random.js'

/** A transaction built by hand (not through submit's checks): its id and its encoded bytes. */
export interface RawTx {
  id: Uint8Array
  bytes: Uint8Array
}

/** Encode `body` as a transaction of format `version` (default 1), with a fresh id from the seeded PRNG unless one is given. */
export function rawTx(
  rnd: Random,
  body: TxBody,
  { id, version = 1 }: { id?: Uint8Array; version?: number } = {}
): RawTx {
  const txId = id ?? rnd.bytes(16)
  return { id: txId, bytes: encodeTx({ version, id: txId, timestamp: 0, ...body } as Tx) }
}
