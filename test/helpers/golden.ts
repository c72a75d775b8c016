import b4a from 'b4a'
import type { Tx } from '../../lib/ledger/tx.js'

// The fixed inputs of the wire-format tests (codec.test.ts freezes their encodings, format.test.ts
// checks docs/format.md's vectors against them).

export const ID = b4a.from('000102030405060708090a0b0c0d0e0f', 'hex')
export const TIMESTAMP = 1_700_000_000_000 // 0x018bcfe56800: needs the 0xff (u64) uint form
export const WRITER_KEY = b4a.from(
  '202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f',
  'hex'
)
export const HEADER = { version: 1, id: ID, timestamp: TIMESTAMP }

/** One transaction of every type, in tag order. */
export const TXS: Record<string, Tx> = {
  put: { ...HEADER, type: 'put', key: 'greeting', value: '{"hello":"world"}' },
  del: { ...HEADER, type: 'del', key: 'greeting' },
  'open-account': { ...HEADER, type: 'open-account', account: 'alice' },
  mint: { ...HEADER, type: 'mint', account: 'alice', amount: 1000n },
  transfer: {
    ...HEADER,
    type: 'transfer',
    from: 'alice',
    to: 'bob',
    amount: 2n ** 53n + 1n,
    memo: 'rent ✓'
  },
  'add-writer': { ...HEADER, type: 'add-writer', key: WRITER_KEY, role: 'admin', indexer: true },
  'remove-writer': { ...HEADER, type: 'remove-writer', key: WRITER_KEY },
  'set-version': { ...HEADER, type: 'set-version', format: 2 },
  'add-owner': { ...HEADER, type: 'add-owner', account: 'alice', key: WRITER_KEY }
}
