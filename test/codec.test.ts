import test from 'brittle'
import { Random, testSeed } from './helpers/random.js'
import b4a from 'b4a'
import c from 'compact-encoding'
import { encodeTx, decodeTx, validateTx, readTxHeader, TX_TYPES } from '../lib/ledger/tx.js'
import type { Tx } from '../lib/ledger/tx.js'
import { encodeBlock, decodeBlock } from '../lib/ledger/block.js'
import { sealEntry, openEntry, verifyEntry, digest } from '../lib/ledger/entry.js'
import type { EntryFields } from '../lib/ledger/entry.js'
import { amount, decodeExact } from '../lib/ledger/primitives.js'
import { ACCEPTED, REJECT_REASONS, reasonTag } from '../lib/ledger/outcome.js'
import type { RejectReason } from '../lib/ledger/outcome.js'
import { MAX_AMOUNT, MAX_KEY_BYTES, MAX_MEMO_BYTES, MAX_VALUE_BYTES } from '../lib/ledger/limits.js'
import { keys } from '../lib/ledger/layout.js'
import { toTx } from '../lib/node/tx-input.js'
import type { TxInput } from '../lib/node/tx-input.js'
import { LedgerError } from '../lib/errors.js'
import { ID, WRITER_KEY, HEADER, TXS, INVITE_ID, INVITE_KEY } from './helpers/golden.js'

// ---------------------------------------------------------------------------------------------
// Fixed inputs and their frozen encodings. Each hex literal is split along the documented layout:
// tx = version u8 | id 16 bytes | type tag uint | timestamp uint | fields of the type.
// compact-encoding uint: < 0xfd one byte; 0xfd + u16 LE; 0xfe + u32 LE; 0xff + u64 LE.
// ---------------------------------------------------------------------------------------------

const hex = (...parts: string[]): Uint8Array => b4a.from(parts.join(''), 'hex')
const toHex = (b: Uint8Array): string => b4a.toString(b, 'hex')

const H_ID = '000102030405060708090a0b0c0d0e0f'
const H_TS = 'ff0068e5cf8b010000' // uint: 0xff then 1700000000000 as u64 little-endian
const H_TS_DAY = 'ff00c40bd58b010000' // 1700086400000, a day later

const GOLDEN_TX: Record<string, Uint8Array> = {
  //           version id    tag   timestamp  fields
  put: hex(
    '01',
    H_ID,
    '01',
    H_TS,
    '08',
    '6772656574696e67',
    '11',
    '7b2268656c6c6f223a22776f726c64227d'
  ), // key "greeting", value {"hello":"world"}
  del: hex('01', H_ID, '02', H_TS, '08', '6772656574696e67'), // key "greeting"
  'open-account': hex('01', H_ID, '03', H_TS, '05', '616c696365'), // account "alice"
  mint: hex('01', H_ID, '04', H_TS, '05', '616c696365', '02', '03e8'), // "alice", amount 1000 (len 2, big-endian)
  transfer: hex(
    '01',
    H_ID,
    '05',
    H_TS,
    '05',
    '616c696365', // from "alice"
    '03',
    '626f62', // to "bob"
    '07',
    '20000000000001', // amount 2^53+1: 7 bytes big-endian
    '08',
    '72656e7420e29c93'
  ), // memo "rent ✓" (U+2713 is e2 9c 93)
  'add-writer': hex('01', H_ID, '06', H_TS, toHex(WRITER_KEY), '03'), // key (fixed 32), flags admin(1)|indexer(2)
  'remove-writer': hex('01', H_ID, '07', H_TS, toHex(WRITER_KEY)), // key (fixed 32)
  'set-version': hex('01', H_ID, '08', H_TS, '02'), // format 2
  'add-owner': hex('01', H_ID, '09', H_TS, '05', '616c696365', toHex(WRITER_KEY)), // account "alice", key (fixed 32)
  // From here on version byte 3: a ledger below format 3 rejects these as VERSION_NOT_ACTIVE.
  'add-invite': hex(
    '03',
    H_ID,
    '0a',
    H_TS,
    toHex(INVITE_ID),
    toHex(INVITE_KEY),
    '02',
    H_TS_DAY,
    '03'
  ), // id, key, flags indexer(2), expires, uses 3
  'revoke-invite': hex('03', H_ID, '0b', H_TS, toHex(INVITE_ID)),
  'add-writer by invite': hex('03', H_ID, '06', H_TS, toHex(WRITER_KEY), '06', toHex(INVITE_ID)) // flags indexer(2)|by invite(4), then the invite id
}

// block = version u8 | count uint | count x (length uint | tx bytes)
const GOLDEN_BLOCK = hex('01', '02', '36', toHex(GOLDEN_TX.put), '36', toHex(GOLDEN_TX.transfer))

const PUT_DIGEST = 'c9f4d4b80b45202912d3aa0f798d7bcbc28d82c7eb12c4c37f02323ae2b0f396' // BLAKE2b-256 of GOLDEN_TX.put

const ENTRY_FIELDS: EntryFields = {
  seq: 5,
  writer: b4a.alloc(32, 0xaa),
  writerSeq: 300,
  index: 1,
  id: ID,
  tx: GOLDEN_TX.put,
  digest: hex(PUT_DIGEST),
  outcome: ACCEPTED,
  links: [3],
  prev: b4a.alloc(32, 0x11)
}
const ENTRY_HASH = 'c0673b3669f5b89e700c054657970555328198edd928a5037dc698be9cda6c92'
// entry = version u8 | seq uint | writer 32 | writerSeq uint | index uint | flags uint | [id 16] | tx buffer | digest 32 | outcome uint | links (count, each position + 1) | prev 32 | hash 32
const GOLDEN_ENTRY = hex(
  '01',
  '05',
  'aa'.repeat(32),
  'fd2c01',
  '01',
  '01',
  H_ID,
  '36',
  toHex(GOLDEN_TX.put),
  PUT_DIGEST,
  '00',
  '0104',
  '11'.repeat(32),
  ENTRY_HASH
)

// A block-level rejection: no id (flags 0), no tx bytes, digest of the whole block.
const BLOCK_DIGEST = 'ea5db7f864698e80deb2072a40d397fb619eec16c5525f253e38d89594f3ebe2' // BLAKE2b-256 of ff00
const ENTRY_NO_ID_FIELDS: EntryFields = {
  seq: 0,
  writer: b4a.alloc(32, 0xbb),
  writerSeq: 0,
  index: 0,
  id: null,
  tx: b4a.alloc(0),
  digest: hex(BLOCK_DIGEST),
  outcome: reasonTag('BAD_ENCODING'),
  links: [],
  prev: b4a.alloc(32)
}
const ENTRY_NO_ID_HASH = '83e0c8c0882df2885cad13322ffa35ccbc1484903e74e69abaa1ad72dbba4645'
const GOLDEN_ENTRY_NO_ID = hex(
  '01',
  '00',
  'bb'.repeat(32),
  '00',
  '00',
  '00',
  '00',
  BLOCK_DIGEST,
  '01',
  '00',
  '00'.repeat(32),
  ENTRY_NO_ID_HASH
)

const GOLDEN_AMOUNTS: Array<[bigint, string]> = [
  [0n, '00'],
  [1n, '0101'],
  [255n, '01ff'],
  [256n, '020100'],
  [2n ** 53n + 1n, '0720000000000001'],
  [2n ** 128n - 1n, '10' + 'ff'.repeat(16)]
]

/** Every golden encoding, for the truncation and fuzz tests. */
const ALL_GOLDEN: Array<[string, Uint8Array]> = [
  ...Object.entries(GOLDEN_TX).map(([k, v]): [string, Uint8Array] => ['tx ' + k, v]),
  ['block', GOLDEN_BLOCK],
  ['entry', GOLDEN_ENTRY],
  ['entry without id', GOLDEN_ENTRY_NO_ID],
  ...GOLDEN_AMOUNTS.map(([n, h]): [string, Uint8Array] => ['amount ' + n, hex(h)])
]

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const isReason = (v: unknown): v is RejectReason =>
  typeof v === 'string' && (REJECT_REASONS as readonly string[]).includes(v)

/** Decode with the amount codec alone: null when the bytes are not exactly one canonical amount. */
const decodeAmount = (bytes: Uint8Array): bigint | null => decodeExact(amount, bytes)

/** Strip Uint8Array subclasses (Buffer) so deep equality compares contents only. */
function plain(tx: unknown): unknown {
  if (tx instanceof Uint8Array) return toHex(tx)
  if (typeof tx !== 'object' || tx === null) return tx
  return Object.fromEntries(Object.entries(tx).map(([k, v]) => [k, plain(v)]))
}

/** Run `fn` and check it throws a LedgerError with `code`. */
function throwsCode(t: test.Test, fn: () => unknown, code: string, message: string): void {
  try {
    fn()
    t.fail(`${message}: did not throw (expected ${code})`)
  } catch (err) {
    const got =
      err instanceof LedgerError ? err.code : `${(err as Error)?.name}: ${(err as Error)?.message}`
    t.is(got, code, message)
  }
}

/** Check that decoding `bytes` with every decoder behaves; returns a problem description or null. */
function checkDecoders(bytes: Uint8Array): string | null {
  let tx: ReturnType<typeof decodeTx>
  try {
    tx = decodeTx(bytes)
  } catch (err) {
    return `decodeTx threw ${String(err)}`
  }
  if (typeof tx === 'string') {
    if (!isReason(tx)) return `decodeTx returned unknown reason ${tx}`
  } else {
    try {
      validateTx(tx)
      const again = decodeTx(encodeTx(tx))
      if (JSON.stringify(plain(again), bigints) !== JSON.stringify(plain(tx), bigints))
        return 'decoded tx does not survive encode/decode'
    } catch (err) {
      return `a decoded tx made validate/encode throw ${String(err)}`
    }
  }
  try {
    const block = decodeBlock(bytes)
    if (
      block.ok &&
      (block.version === 0 ||
        block.txs.length === 0 ||
        !block.txs.every((b) => b instanceof Uint8Array))
    )
      return 'decodeBlock returned a malformed ok block'
    if (block.version !== (bytes.byteLength === 0 ? 0 : bytes[0]))
      return 'decodeBlock reported the wrong version'
  } catch (err) {
    return `decodeBlock threw ${String(err)}`
  }
  try {
    const n = decodeAmount(bytes)
    if (n !== null && (n < 0n || n > MAX_AMOUNT || toHex(c.encode(amount, n)) !== toHex(bytes)))
      return 'amount decoded to a non-canonical value'
  } catch (err) {
    return `amount decode threw ${String(err)}`
  }
  let verified: boolean
  try {
    verified = verifyEntry(bytes)
    if (typeof verified !== 'boolean') return 'verifyEntry returned a non-boolean'
  } catch (err) {
    return `verifyEntry threw ${String(err)}`
  }
  try {
    openEntry(bytes)
  } catch (err) {
    // openEntry is documented to throw on bytes no release wrote, but only with its own error.
    if (!(err instanceof Error) || err.message !== 'Corrupt ledger entry')
      return `openEntry threw an unexpected ${String(err)}`
  }
  return null
}

function bigints(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() + 'n' : v
}

// ---------------------------------------------------------------------------------------------
// Golden bytes
// ---------------------------------------------------------------------------------------------

test('codec - type tags are append-only and every type has a frozen encoding', (t) => {
  t.alike(
    TX_TYPES.slice(0, 11),
    [
      'put',
      'del',
      'open-account',
      'mint',
      'transfer',
      'add-writer',
      'remove-writer',
      'set-version',
      'add-owner',
      'add-invite',
      'revoke-invite'
    ],
    'known types keep their order (tags 1-11)'
  )
  t.alike(
    TX_TYPES.filter((type) => !(type in GOLDEN_TX)),
    [],
    'a new type needs a golden encoding here'
  )
})

for (const [type, tx] of Object.entries(TXS)) {
  test(`codec - ${type} encodes to its golden bytes and decodes back`, (t) => {
    const bytes = encodeTx(tx)
    t.is(toHex(bytes), toHex(GOLDEN_TX[type]), 'encodeTx matches the frozen bytes')
    const decoded = decodeTx(GOLDEN_TX[type])
    t.alike(plain(decoded), plain(tx), 'decodeTx gives back the input')
    t.is(validateTx(decoded as Tx), null, 'the golden transaction is valid')
  })
}

test('codec - amounts above 2^53 decode as exact bigints', (t) => {
  const tx = decodeTx(GOLDEN_TX.transfer)
  if (typeof tx === 'string' || tx.type !== 'transfer')
    return t.fail('transfer did not decode: ' + String(tx))
  t.is(typeof tx.amount, 'bigint')
  t.is(tx.amount, 9007199254740993n)
  t.not(tx.amount, BigInt(Number(9007199254740993n)), 'not rounded through a double')
  t.is(tx.memo, 'rent ✓')
})

test('codec - a block of two transactions has golden bytes and decodes back', (t) => {
  t.is(toHex(encodeBlock([GOLDEN_TX.put, GOLDEN_TX.transfer])), toHex(GOLDEN_BLOCK))
  const block = decodeBlock(GOLDEN_BLOCK)
  t.ok(block.ok)
  t.is(block.version, 1)
  if (!block.ok) return
  t.alike(block.txs.map(toHex), [toHex(GOLDEN_TX.put), toHex(GOLDEN_TX.transfer)])
})

test('codec - a sealed entry has golden bytes and hash, and opens back', (t) => {
  t.is(toHex(digest(GOLDEN_TX.put)), PUT_DIGEST, 'the tx digest is BLAKE2b-256 of the tx bytes')
  const { bytes, hash } = sealEntry(ENTRY_FIELDS)
  t.is(toHex(bytes), toHex(GOLDEN_ENTRY), 'entry bytes')
  t.is(toHex(hash), ENTRY_HASH, 'entry hash')
  t.is(
    toHex(digest(GOLDEN_ENTRY.subarray(0, GOLDEN_ENTRY.byteLength - 32))),
    ENTRY_HASH,
    'the hash covers everything before it'
  )
  t.ok(verifyEntry(GOLDEN_ENTRY))
  t.alike(plain(openEntry(GOLDEN_ENTRY)), plain({ ...ENTRY_FIELDS, hash: hex(ENTRY_HASH) }))

  const noId = sealEntry(ENTRY_NO_ID_FIELDS)
  t.is(toHex(noId.bytes), toHex(GOLDEN_ENTRY_NO_ID), 'entry without id: bytes')
  t.is(toHex(noId.hash), ENTRY_NO_ID_HASH, 'entry without id: hash')
  t.is(toHex(digest(hex('ff00'))), BLOCK_DIGEST)
  const opened = openEntry(GOLDEN_ENTRY_NO_ID)
  t.is(opened.id, null)
  t.is(opened.tx.byteLength, 0)
  t.alike(plain(opened), plain({ ...ENTRY_NO_ID_FIELDS, hash: hex(ENTRY_NO_ID_HASH) }))
})

test('codec - a changed byte anywhere in an entry fails verification', (t) => {
  let undetected = 0
  for (let i = 0; i < GOLDEN_ENTRY.byteLength; i++) {
    const copy = b4a.from(GOLDEN_ENTRY)
    copy[i] ^= 0x01
    if (verifyEntry(copy)) undetected++
  }
  t.is(undetected, 0)
})

test('codec - the id index key is tx/ | id | author: ids are scoped per writer', (t) => {
  const key = keys.tx(ID, WRITER_KEY)
  t.alike(
    key,
    hex('74782f', H_ID, toHex(WRITER_KEY)),
    'golden bytes: "tx/", the 16-byte id, the 32-byte writer key'
  )
  const prefix = keys.txPrefix(ID)
  t.alike(prefix, hex('74782f', H_ID), 'the prefix of one id is "tx/" and the id')
  t.alike(
    key.subarray(0, prefix.byteLength),
    prefix,
    "every author's key for an id starts with its prefix"
  )
  const other = keys.tx(ID, b4a.alloc(32, 0xff))
  t.not(toHex(other), toHex(key), 'another author with the same id has its own key')
  t.is(b4a.compare(keys.tx(ID, b4a.alloc(32)), other) < 0, true, 'keys of one id sort by author')
})

test('codec - the amount codec has golden bytes and round-trips exactly', (t) => {
  for (const [n, h] of GOLDEN_AMOUNTS) {
    t.is(toHex(c.encode(amount, n)), h, `encode ${n}`)
    t.is(decodeAmount(hex(h)), n, `decode ${n}`)
  }
})

// ---------------------------------------------------------------------------------------------
// Robustness: hostile bytes never throw, and get the documented reason
// ---------------------------------------------------------------------------------------------

test('codec - every truncation of every golden encoding is rejected without throwing', (t) => {
  const problems: string[] = []
  for (const [name, bytes] of ALL_GOLDEN) {
    for (let len = 0; len < bytes.byteLength; len++) {
      const cut = bytes.subarray(0, len)
      const problem = checkDecoders(cut)
      if (problem !== null) problems.push(`${name}[0..${len}]: ${problem}`)
    }
  }
  t.alike(problems, [])

  const wrong: string[] = []
  for (const [name, bytes] of Object.entries(GOLDEN_TX)) {
    for (let len = 0; len < bytes.byteLength; len++) {
      const r = decodeTx(bytes.subarray(0, len))
      if (r !== 'BAD_ENCODING')
        wrong.push(`${name}[0..${len}] -> ${typeof r === 'string' ? r : r.type}`)
    }
  }
  t.alike(wrong, [], 'decodeTx says BAD_ENCODING for every truncated transaction')

  const blockOk = []
  for (let len = 0; len < GOLDEN_BLOCK.byteLength; len++)
    if (decodeBlock(GOLDEN_BLOCK.subarray(0, len)).ok) blockOk.push(len)
  t.alike(blockOk, [], 'no truncated block decodes')

  let opened = 0
  for (const bytes of [GOLDEN_ENTRY, GOLDEN_ENTRY_NO_ID]) {
    for (let len = 0; len < bytes.byteLength; len++) {
      try {
        openEntry(bytes.subarray(0, len))
        opened++
      } catch {}
      if (verifyEntry(bytes.subarray(0, len))) opened++
    }
  }
  t.is(opened, 0, 'no truncated entry opens or verifies')

  const amounts = GOLDEN_AMOUNTS.flatMap(([, h]) =>
    Array.from({ length: h.length / 2 }, (_, len) => decodeAmount(hex(h).subarray(0, len)))
  )
  t.alike(
    amounts.filter((a) => a !== null),
    [],
    'no truncated amount decodes'
  )
})

test('codec - random bytes and mutated golden encodings never make a decoder throw', (t) => {
  const rnd = new Random(testSeed(t))
  const problems: string[] = []
  let decodedTxs = 0
  const note = (what: string, bytes: Uint8Array): void => {
    const problem = checkDecoders(bytes)
    if (problem !== null && problems.length < 5)
      problems.push(`${what} ${toHex(bytes)}: ${problem}`)
    if (typeof decodeTx(bytes) !== 'string') decodedTxs++
  }
  for (let i = 0; i < 2000; i++) note('random', rnd.bytes(rnd.int(160)))
  // Mutations reach the field decoders behind a valid header far more often than random bytes.
  for (let i = 0; i < 3000; i++) {
    const [, golden] = ALL_GOLDEN[rnd.int(ALL_GOLDEN.length)]
    const copy = b4a.from(golden)
    const flips = 1 + rnd.int(3)
    for (let f = 0; f < flips && copy.byteLength > 0; f++)
      copy[rnd.int(copy.byteLength)] = rnd.int(256)
    const cut = rnd.int(4) === 0 ? rnd.int(copy.byteLength + 1) : copy.byteLength
    note('mutated', copy.subarray(0, cut))
  }
  t.alike(problems, [])
  t.comment(`${decodedTxs} of 5000 inputs decoded to a transaction`)
  t.ok(decodedTxs > 0, 'the fuzz reached successful decodes too')
})

test('codec - trailing bytes are rejected', (t) => {
  for (const [name, bytes] of Object.entries(GOLDEN_TX)) {
    t.is(decodeTx(b4a.concat([bytes, hex('00')])), 'BAD_ENCODING', `${name} + 1 byte`)
  }
  t.absent(decodeBlock(b4a.concat([GOLDEN_BLOCK, hex('00')])).ok, 'block + 1 byte')
  t.is(decodeAmount(hex('010100')), null, 'amount + 1 byte')
  t.exception(
    () =>
      openEntry(
        b4a.concat([
          GOLDEN_ENTRY.subarray(0, GOLDEN_ENTRY.byteLength - 32),
          hex('00'),
          hex(ENTRY_HASH)
        ])
      ),
    /Corrupt ledger entry/,
    'entry with a byte before its hash'
  )
})

test('codec - non-canonical and oversized amounts are rejected', (t) => {
  const mint = (amountHex: string): Uint8Array =>
    hex('01', H_ID, '04', H_TS, '05', '616c696365', amountHex)
  t.is(
    plain((decodeTx(mint('0203e8')) as Tx & { amount: bigint }).amount),
    1000n,
    'control: canonical 1000 decodes'
  )
  t.is(decodeTx(mint('030003e8')), 'BAD_ENCODING', 'leading zero byte')
  t.is(decodeTx(mint('0100')), 'BAD_ENCODING', 'zero written as one zero byte')
  t.is(
    decodeTx(mint('10' + '00' + 'ff'.repeat(15))),
    'BAD_ENCODING',
    '16 bytes with a leading zero'
  )
  t.is(decodeTx(mint('11' + '01' + '00'.repeat(16))), 'BAD_ENCODING', '17 bytes (2^128)')
  t.is(decodeTx(mint('ff' + 'ff'.repeat(255))), 'BAD_ENCODING', 'length byte 255')
  t.is(decodeTx(mint('0503e8')), 'BAD_ENCODING', 'length past the end')
  for (const h of ['0100', '030003e8', '11' + '01' + '00'.repeat(16), '20' + 'ff'.repeat(32)]) {
    t.is(decodeAmount(hex(h)), null, `amount codec rejects ${h.slice(0, 12)}`)
  }
  const zero = decodeTx(mint('00'))
  t.is(
    typeof zero === 'string' ? zero : validateTx(zero),
    'INVALID_AMOUNT',
    'zero decodes but is not a valid amount'
  )
})

test('codec - invalid UTF-8 in any string field is rejected', (t) => {
  const put = (keyHex: string): Uint8Array =>
    hex(
      '01',
      H_ID,
      '01',
      H_TS,
      (keyHex.length / 2).toString(16).padStart(2, '0'),
      keyHex,
      '01',
      '31'
    )
  t.is(
    (decodeTx(put('e29c93')) as { key: string }).key,
    '✓',
    'control: valid multi-byte UTF-8 decodes'
  )
  const bad: Array<[string, string]> = [
    ['ff', 'byte 0xff'],
    ['c328', 'bad continuation byte'],
    ['c080', 'overlong NUL'],
    ['eda080', 'UTF-16 surrogate'],
    ['e29c', 'truncated sequence'],
    ['f4908080', 'above U+10FFFF']
  ]
  for (const [bytes, what] of bad) t.is(decodeTx(put(bytes)), 'BAD_ENCODING', `put key: ${what}`)
  t.is(decodeTx(hex('01', H_ID, '01', H_TS, '01', '6b', '01', 'ff')), 'BAD_ENCODING', 'put value')
  t.is(decodeTx(hex('01', H_ID, '03', H_TS, '02', 'c328')), 'BAD_ENCODING', 'open-account name')
  t.is(
    decodeTx(hex('01', H_ID, '05', H_TS, '01', '61', '01', 'ff', '0101', '00')),
    'BAD_ENCODING',
    'transfer to'
  )
  t.is(
    decodeTx(hex('01', H_ID, '05', H_TS, '01', '61', '01', '62', '0101', '02', 'c328')),
    'BAD_ENCODING',
    'transfer memo'
  )
})

test('codec - unknown type tags give UNKNOWN_TYPE, other header damage BAD_ENCODING', (t) => {
  t.is(decodeTx(hex('01', H_ID, '00', H_TS)), 'UNKNOWN_TYPE', 'tag 0')
  t.is(
    decodeTx(hex('01', H_ID, 'fc', H_TS, 'deadbeef')),
    'UNKNOWN_TYPE',
    'tag 252 with a body this release cannot read'
  )
  t.is(
    decodeTx(hex('01', H_ID, 'fde803', H_TS, '00')),
    'UNKNOWN_TYPE',
    'tag 1000 (multi-byte uint)'
  )
  t.is(decodeTx(hex('01', H_ID, 'fc')), 'BAD_ENCODING', 'unknown tag without a timestamp')
  t.is(
    decodeTx(hex('00', H_ID, '01', H_TS, '01', '6b', '01', '31')),
    'BAD_ENCODING',
    'version byte 0'
  )
  t.is(readTxHeader(hex('00', H_ID)), null, 'readTxHeader refuses version 0')
  t.is(readTxHeader(hex('01', H_ID.slice(0, 30))), null, 'readTxHeader refuses a short header')
  t.alike(plain(readTxHeader(GOLDEN_TX.put)), { version: 1, id: H_ID })
  t.is(
    decodeTx(hex('01', H_ID, '06', H_TS, toHex(WRITER_KEY), '04')),
    'BAD_ENCODING',
    'add-writer with an unknown role flag'
  )
  t.is(
    decodeTx(hex('01', H_ID, '06', H_TS, toHex(WRITER_KEY).slice(2), '00')),
    'BAD_ENCODING',
    'add-writer with a 31-byte key'
  )
})

test('codec - malformed blocks never decode', (t) => {
  const cases: Array<[string, Uint8Array]> = [
    ['empty', hex('')],
    ['version only', hex('01')],
    ['zero transactions', hex('0100')],
    ['count larger than present', hex('0102', '01', '00')],
    ['tx length past the end', hex('0101', '05', '0102')],
    ['huge count', hex('01', 'fe', 'ffffffff')],
    ['version 0 with a valid body', b4a.concat([hex('00'), GOLDEN_BLOCK.subarray(1)])]
  ]
  for (const [what, bytes] of cases) {
    const block = decodeBlock(bytes)
    t.absent(block.ok, what)
    t.is(block.version, bytes.byteLength === 0 ? 0 : bytes[0], `${what}: version`)
  }
  const future = decodeBlock(b4a.concat([hex('02'), GOLDEN_BLOCK.subarray(1)]))
  t.ok(
    future.ok && future.version === 2,
    'a higher version still decodes: apply decides whether it is active'
  )
})

// ---------------------------------------------------------------------------------------------
// validateTx: every reason it can return, at the boundaries
// ---------------------------------------------------------------------------------------------

test('codec - validateTx returns each of its reasons, and null just inside every bound', (t) => {
  const v = (tx: Record<string, unknown>): RejectReason | null =>
    validateTx({ ...HEADER, ...tx } as Tx)
  const writerHex = 'ab'.repeat(32)

  t.is(v({ type: 'put', key: 'k'.repeat(MAX_KEY_BYTES), value: '1' }), null, 'key of MAX_KEY_BYTES')
  t.is(
    v({ type: 'put', key: '✓'.repeat(170) + 'kk', value: '1' }),
    null,
    '512 bytes of multi-byte key'
  )
  t.is(
    v({ type: 'put', key: '✓'.repeat(171), value: '1' }),
    'INVALID_KEY',
    '513 bytes of multi-byte key'
  )
  t.is(
    v({ type: 'put', key: 'k'.repeat(MAX_KEY_BYTES + 1), value: '1' }),
    'INVALID_KEY',
    'key too long'
  )
  t.is(v({ type: 'put', key: '', value: '1' }), 'INVALID_KEY', 'empty key')
  t.is(v({ type: 'put', key: 'a\0b', value: '1' }), 'INVALID_KEY', 'key with NUL')
  t.is(v({ type: 'del', key: '\0' }), 'INVALID_KEY', 'del key with NUL')
  t.is(v({ type: 'del', key: 'k' }), null)

  const bigString = (bytes: number): string => JSON.stringify('x'.repeat(bytes - 2))
  t.is(
    v({ type: 'put', key: 'k', value: bigString(MAX_VALUE_BYTES) }),
    null,
    'value of MAX_VALUE_BYTES'
  )
  t.is(
    v({ type: 'put', key: 'k', value: bigString(MAX_VALUE_BYTES + 1) }),
    'INVALID_VALUE',
    'value too long'
  )
  t.is(v({ type: 'put', key: 'k', value: '{"a":' }), 'INVALID_VALUE', 'value is not JSON')
  t.is(v({ type: 'put', key: 'k', value: '' }), 'INVALID_VALUE', 'empty value')
  t.is(v({ type: 'put', key: '', value: 'nope' }), 'INVALID_KEY', 'the key is checked first')

  t.is(v({ type: 'open-account', account: 'z'.repeat(64) }), null, '64-character name')
  t.is(v({ type: 'open-account', account: 'z'.repeat(65) }), 'INVALID_ACCOUNT', '65-character name')
  t.is(v({ type: 'open-account', account: 'Alice' }), 'INVALID_ACCOUNT', 'upper case')
  t.is(v({ type: 'open-account', account: '.alice' }), 'INVALID_ACCOUNT', 'leading dot')
  t.is(v({ type: 'open-account', account: '' }), 'INVALID_ACCOUNT', 'empty')
  t.is(
    v({ type: 'open-account', account: writerHex }),
    'INVALID_ACCOUNT',
    'a writer-key name cannot be opened'
  )
  t.is(v({ type: 'mint', account: writerHex, amount: 1n }), null, 'but it can be minted to')

  t.is(v({ type: 'mint', account: 'Bob', amount: 1n }), 'INVALID_ACCOUNT')
  t.is(v({ type: 'mint', account: 'bob', amount: 0n }), 'INVALID_AMOUNT', 'zero')
  t.is(v({ type: 'mint', account: 'bob', amount: -1n }), 'INVALID_AMOUNT', 'negative')
  t.is(v({ type: 'mint', account: 'bob', amount: MAX_AMOUNT }), null, 'MAX_AMOUNT')
  t.is(
    v({ type: 'mint', account: 'bob', amount: MAX_AMOUNT + 1n }),
    'INVALID_AMOUNT',
    'MAX_AMOUNT + 1'
  )

  const transfer = { type: 'transfer', from: 'alice', to: 'bob', amount: 1n, memo: '' }
  t.is(v(transfer), null)
  t.is(v({ ...transfer, from: 'Alice' }), 'INVALID_ACCOUNT', 'bad from')
  t.is(v({ ...transfer, to: 'b b' }), 'INVALID_ACCOUNT', 'bad to')
  t.is(v({ ...transfer, amount: 0n }), 'INVALID_AMOUNT')
  t.is(v({ ...transfer, memo: 'm'.repeat(MAX_MEMO_BYTES) }), null, 'memo of MAX_MEMO_BYTES')
  t.is(v({ ...transfer, memo: '✓'.repeat(86) }), 'INVALID_MEMO', '258 bytes of multi-byte memo')
  t.is(v({ ...transfer, memo: 'm'.repeat(MAX_MEMO_BYTES + 1) }), 'INVALID_MEMO')

  t.is(
    v({ type: 'add-writer', key: b4a.alloc(31), role: 'writer', indexer: false }),
    'INVALID_WRITER_KEY'
  )
  t.is(
    v({ type: 'add-writer', key: b4a.alloc(33), role: 'writer', indexer: false }),
    'INVALID_WRITER_KEY'
  )
  t.is(v({ type: 'remove-writer', key: b4a.alloc(0) }), 'INVALID_WRITER_KEY')
  t.is(v({ type: 'remove-writer', key: b4a.alloc(32) }), null)

  t.is(v({ type: 'set-version', format: 0 }), 'INVALID_VERSION')
  t.is(v({ type: 'set-version', format: 256 }), 'INVALID_VERSION')
  t.is(v({ type: 'set-version', format: 1.5 }), 'INVALID_VERSION')
  t.is(v({ type: 'set-version', format: 2 ** 53 }), 'INVALID_VERSION')
  t.is(v({ type: 'set-version', format: 255 }), null)

  t.is(v({ type: 'add-owner', account: 'pool', key: b4a.alloc(32) }), null)
  t.is(
    v({ type: 'add-owner', account: writerHex, key: b4a.alloc(32) }),
    'INVALID_ACCOUNT',
    'a writer-key account cannot be shared'
  )
  t.is(v({ type: 'add-owner', account: 'Pool', key: b4a.alloc(32) }), 'INVALID_ACCOUNT')
  t.is(v({ type: 'add-owner', account: 'pool', key: b4a.alloc(16) }), 'INVALID_WRITER_KEY')
})

// ---------------------------------------------------------------------------------------------
// toTx: caller input is refused with a LedgerError and a stable code
// ---------------------------------------------------------------------------------------------

test('codec - toTx refuses bad input with the right LedgerError code', (t) => {
  const tx = (input: unknown): Tx => toTx(input as TxInput, 1)
  const mint = (amount: unknown): Tx => tx({ type: 'mint', account: 'bob', amount })

  const ok = tx({
    type: 'mint',
    account: 'bob',
    amount: '340282366920938463463374607431768211455',
    id: H_ID,
    timestamp: 5
  })
  t.alike(
    plain(ok),
    plain({ version: 1, id: ID, timestamp: 5, type: 'mint', account: 'bob', amount: MAX_AMOUNT }),
    'control: a decimal string up to MAX_AMOUNT'
  )
  t.is((mint(7) as { amount: bigint }).amount, 7n, 'control: a safe integer')

  throwsCode(t, () => mint(-1), 'INVALID_AMOUNT', 'negative number')
  throwsCode(t, () => mint(-1n), 'INVALID_AMOUNT', 'negative bigint')
  throwsCode(t, () => mint('-1'), 'INVALID_AMOUNT', 'negative string')
  throwsCode(t, () => mint(0), 'INVALID_AMOUNT', 'zero')
  throwsCode(t, () => mint(1.5), 'INVALID_AMOUNT', 'fraction')
  throwsCode(t, () => mint('1.5'), 'INVALID_AMOUNT', 'fraction as string')
  throwsCode(t, () => mint('1e3'), 'INVALID_AMOUNT', 'exponent notation')
  throwsCode(t, () => mint(2 ** 53), 'INVALID_AMOUNT', 'unsafe integer')
  throwsCode(t, () => mint(Number.NaN), 'INVALID_AMOUNT', 'NaN')
  throwsCode(t, () => mint(MAX_AMOUNT + 1n), 'INVALID_AMOUNT', 'MAX_AMOUNT + 1')
  throwsCode(
    t,
    () => mint('340282366920938463463374607431768211456'),
    'INVALID_AMOUNT',
    'MAX_AMOUNT + 1 as string'
  )
  throwsCode(t, () => mint('1'.repeat(41)), 'INVALID_AMOUNT', '41 digits')
  throwsCode(t, () => mint(null), 'INVALID_AMOUNT', 'null')
  throwsCode(
    t,
    () => tx({ type: 'transfer', from: 'a', to: 'b', amount: 0n }),
    'INVALID_AMOUNT',
    'transfer of zero'
  )

  throwsCode(
    t,
    () => tx({ type: 'del', key: 'k', id: 'zz'.repeat(16) }),
    'INVALID_ARGUMENT',
    'id with non-hex characters'
  )
  throwsCode(
    t,
    () => tx({ type: 'del', key: 'k', id: 'ab'.repeat(15) }),
    'INVALID_ARGUMENT',
    'id too short'
  )
  throwsCode(
    t,
    () => tx({ type: 'del', key: 'k', id: 'ab'.repeat(17) }),
    'INVALID_ARGUMENT',
    'id too long'
  )
  throwsCode(
    t,
    () => tx({ type: 'del', key: 'k', id: b4a.alloc(15) }),
    'INVALID_ARGUMENT',
    'id of 15 bytes'
  )
  throwsCode(
    t,
    () => tx({ type: 'del', key: 'k', id: 42 }),
    'INVALID_ARGUMENT',
    'id of the wrong type'
  )
  throwsCode(
    t,
    () => tx({ type: 'add-writer', key: 'ab'.repeat(31) }),
    'INVALID_ARGUMENT',
    'writer key of 31 bytes'
  )
  throwsCode(
    t,
    () => tx({ type: 'remove-writer', key: 'xy'.repeat(32) }),
    'INVALID_ARGUMENT',
    'writer key not hex'
  )
  throwsCode(
    t,
    () => tx({ type: 'add-owner', account: 'pool', key: 'ab'.repeat(33) }),
    'INVALID_ARGUMENT',
    'owner key of 33 bytes'
  )
  throwsCode(
    t,
    () => tx({ type: 'add-owner', account: 'ef'.repeat(32), key: WRITER_KEY }),
    'INVALID_ACCOUNT',
    'sharing a writer-key account'
  )
  t.is(
    (tx({ type: 'remove-writer', key: 'AB'.repeat(32) }) as { key: Uint8Array }).key[0],
    0xab,
    'control: upper-case hex is accepted'
  )

  throwsCode(t, () => tx(null), 'INVALID_ARGUMENT', 'null input')
  throwsCode(t, () => tx('put'), 'INVALID_ARGUMENT', 'string input')
  throwsCode(t, () => tx({ type: 'put', key: 5, value: 1 }), 'INVALID_ARGUMENT', 'numeric key')
  throwsCode(
    t,
    () => tx({ type: 'open-account', account: null }),
    'INVALID_ARGUMENT',
    'null account'
  )
  throwsCode(
    t,
    () => tx({ type: 'transfer', from: 'a', to: 'b', amount: 1, memo: 7 }),
    'INVALID_ARGUMENT',
    'numeric memo'
  )
  throwsCode(
    t,
    () => tx({ type: 'add-writer', key: WRITER_KEY, role: 'owner' }),
    'INVALID_ARGUMENT',
    'unknown role'
  )
  throwsCode(
    t,
    () => tx({ type: 'set-version', format: '2' }),
    'INVALID_ARGUMENT',
    'format as string'
  )
  throwsCode(t, () => tx({ type: 'set-version', format: 0 }), 'INVALID_VERSION', 'format 0')
  throwsCode(
    t,
    () => tx({ type: 'del', key: 'k', timestamp: -1 }),
    'INVALID_ARGUMENT',
    'negative timestamp'
  )
  throwsCode(
    t,
    () => tx({ type: 'del', key: 'k', timestamp: 1.5 }),
    'INVALID_ARGUMENT',
    'fractional timestamp'
  )
  throwsCode(t, () => tx({ type: 'burn', amount: 1 }), 'UNKNOWN_TYPE', 'unknown type')
  throwsCode(t, () => tx({ key: 'k' }), 'UNKNOWN_TYPE', 'missing type')

  throwsCode(
    t,
    () => tx({ type: 'open-account', account: 'Alice' }),
    'INVALID_ACCOUNT',
    'upper-case account'
  )
  throwsCode(t, () => tx({ type: 'open-account', account: '' }), 'INVALID_ACCOUNT', 'empty account')
  throwsCode(
    t,
    () => tx({ type: 'open-account', account: 'cd'.repeat(32) }),
    'INVALID_ACCOUNT',
    'opening a writer-key account'
  )
  throwsCode(
    t,
    () => tx({ type: 'transfer', from: 'a/b', to: 'b', amount: 1 }),
    'INVALID_ACCOUNT',
    'slash in from'
  )
  throwsCode(
    t,
    () => tx({ type: 'mint', account: 'x'.repeat(65), amount: 1 }),
    'INVALID_ACCOUNT',
    'account too long'
  )
  throwsCode(
    t,
    () =>
      tx({ type: 'transfer', from: 'a', to: 'b', amount: 1, memo: 'm'.repeat(MAX_MEMO_BYTES + 1) }),
    'INVALID_MEMO',
    'memo too long'
  )

  throwsCode(t, () => tx({ type: 'put', key: 'a\0b', value: 1 }), 'INVALID_KEY', 'key with NUL')
  throwsCode(t, () => tx({ type: 'del', key: '\0' }), 'INVALID_KEY', 'del key that is NUL')
  throwsCode(t, () => tx({ type: 'put', key: '', value: 1 }), 'INVALID_KEY', 'empty key')
  throwsCode(
    t,
    () => tx({ type: 'put', key: 'k', value: undefined }),
    'INVALID_VALUE',
    'undefined value'
  )
  throwsCode(
    t,
    () => tx({ type: 'put', key: 'k', value: () => 1 }),
    'INVALID_VALUE',
    'function value'
  )
  throwsCode(
    t,
    () => tx({ type: 'put', key: 'k', value: Symbol('s') }),
    'INVALID_VALUE',
    'symbol value'
  )
  throwsCode(
    t,
    () => tx({ type: 'put', key: 'k', value: 'x'.repeat(MAX_VALUE_BYTES) }),
    'INVALID_VALUE',
    'value too large once JSON-encoded'
  )
  t.is(
    (tx({ type: 'put', key: 'k', value: { a: [1, null] } }) as { value: string }).value,
    '{"a":[1,null]}',
    'control: a JSON value'
  )
})

test('codec - toTx refuses values that JSON.stringify throws on (BigInt, cycles) with INVALID_VALUE', (t) => {
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  throwsCode(
    t,
    () => toTx({ type: 'put', key: 'k', value: 1n }, 1),
    'INVALID_VALUE',
    'BigInt value'
  )
  throwsCode(
    t,
    () => toTx({ type: 'put', key: 'k', value: cyclic }, 1),
    'INVALID_VALUE',
    'cyclic value'
  )
})
