import test from 'brittle'
import b4a from 'b4a'
import c from 'compact-encoding'
import { encodeTx } from '../lib/ledger/tx.js'
import { encodeBlock } from '../lib/ledger/block.js'
import { sealEntry, verifyEntry, digest } from '../lib/ledger/entry.js'
import { amount } from '../lib/ledger/primitives.js'
import { ACCEPTED, reasonTag } from '../lib/ledger/outcome.js'
import { keys, values, encodeValue } from '../lib/ledger/layout.js'
import { HEADER, TXS } from './helpers/golden.js'
import { vectors } from './helpers/format-doc.js'

const hex = (h: string): Uint8Array => b4a.from(h, 'hex')
const toHex = (b: Uint8Array): string => b4a.toString(b, 'hex')
/** The documented vectors' transactions, in the document's order (tag order). */
const TXS_IN_ORDER = Object.values(TXS)

test('format spec: the amount vectors are the amount encoding', (t) => {
  const list = vectors('amounts')
  t.is(list.length, 6)
  for (const v of list) t.is(toHex(c.encode(amount, BigInt(v.label))), v.hex, `amount ${v.label}`)
})

test('format spec: a transaction vector for every type, each the encoding of what its label says', (t) => {
  const list = vectors('tx')
  t.is(list.length, TXS_IN_ORDER.length, 'one per type')
  for (const [i, v] of list.entries()) {
    t.ok(
      v.label.startsWith(TXS_IN_ORDER[i].type + ' ') || v.label === TXS_IN_ORDER[i].type,
      `${v.label}: labelled ${TXS_IN_ORDER[i].type}`
    )
    t.is(v.hex, toHex(encodeTx(TXS_IN_ORDER[i])), `${TXS_IN_ORDER[i].type}`)
  }
})

test('format spec: the block and entry vectors, and the hash chain rule they state', (t) => {
  const [block] = vectors('block')
  t.is(
    block.hex,
    toHex(encodeBlock([encodeTx(TXS_IN_ORDER[0]), encodeTx(TXS_IN_ORDER[4])])),
    'the block of the put and the transfer'
  )
  const [accepted, rejected] = vectors('entry')
  const put = encodeTx(TXS_IN_ORDER[0])
  const sealed = sealEntry({
    seq: 5,
    writer: b4a.alloc(32, 0xaa),
    writerSeq: 300,
    index: 1,
    id: HEADER.id,
    tx: put,
    digest: digest(put),
    outcome: ACCEPTED,
    links: [3],
    prev: b4a.alloc(32, 0x11)
  })
  t.is(accepted.hex, toHex(sealed.bytes), accepted.label)
  const badBlock = hex('ff00')
  const sealedReject = sealEntry({
    seq: 0,
    writer: b4a.alloc(32, 0xbb),
    writerSeq: 0,
    index: 0,
    id: null,
    tx: b4a.alloc(0),
    digest: digest(badBlock),
    outcome: reasonTag('BAD_ENCODING'),
    links: [],
    prev: b4a.alloc(32)
  })
  t.is(rejected.hex, toHex(sealedReject.bytes), rejected.label)
  for (const v of [accepted, rejected]) {
    const bytes = hex(v.hex)
    t.ok(verifyEntry(bytes), `${v.label}: its last 32 bytes are the hash of the rest`)
  }
  t.is(
    toHex(hex(accepted.hex).subarray(-64, -32)),
    '11'.repeat(32),
    'the body ends with the previous hash'
  )
})

test('format spec: the history key vectors are the state keys of format version 2', (t) => {
  const [record, account, member, start] = vectors('history-keys')
  t.is(record.hex, toHex(keys.history(keys.record('greeting'), 5)), record.label)
  t.is(account.hex, toHex(keys.history(keys.account('alice'), 300)), account.label)
  const writer = b4a.from(Array.from({ length: 32 }, (_, i) => 0x20 + i))
  t.is(member.hex, toHex(keys.history(keys.member(writer), 7)), member.label)
  t.is(start.hex, toHex(keys.historyStart()) + toHex(encodeValue(values.seq, 1)), start.label)
})
