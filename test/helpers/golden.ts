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
/** The invite types, and an add-writer by an invite, carry version byte 3 (INVITE_ENCODING_VERSION). */
export const INVITE_HEADER = { ...HEADER, version: 3 }
export const INVITE_ID = b4a.from(
  '404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f',
  'hex'
)
export const INVITE_KEY = b4a.from(
  '606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f',
  'hex'
)

/** One transaction of every type, in tag order, then an add-writer by an invite. */
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
  'add-writer': {
    ...HEADER,
    type: 'add-writer',
    key: WRITER_KEY,
    role: 'admin',
    indexer: true,
    invite: null
  },
  'remove-writer': { ...HEADER, type: 'remove-writer', key: WRITER_KEY },
  'set-version': { ...HEADER, type: 'set-version', format: 2 },
  'add-owner': { ...HEADER, type: 'add-owner', account: 'alice', key: WRITER_KEY },
  'add-invite': {
    ...INVITE_HEADER,
    type: 'add-invite',
    invite: INVITE_ID,
    key: INVITE_KEY,
    role: 'writer',
    indexer: true,
    expires: TIMESTAMP + 86_400_000,
    uses: 3
  },
  'revoke-invite': { ...INVITE_HEADER, type: 'revoke-invite', invite: INVITE_ID },
  'add-writer by invite': {
    ...INVITE_HEADER,
    type: 'add-writer',
    key: WRITER_KEY,
    role: 'writer',
    indexer: true,
    invite: INVITE_ID
  }
}
