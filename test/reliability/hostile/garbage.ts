import b4a from 'b4a'
import { encodeBlock, decodeBlock } from '../../../lib/ledger/block.js'
import {
  MAX_BLOCK_BYTES,
  MAX_BLOCK_TXS,
  MAX_TX_BYTES,
  MAX_VALUE_BYTES
} from '../../../lib/ledger/limits.js'
import { hex, hostileAppend, tx } from './context.js'
import type { Ctx, Expected } from './context.js'

/** Random garbage and hand-malformed blocks. */
export async function garbage(ctx: Ctx, count: number): Promise<void> {
  const { rnd } = ctx
  const good = (): Uint8Array =>
    tx(rnd, { type: 'put', key: 'g-' + hex(rnd.bytes(4)), value: '1' }).bytes
  for (let i = 0; i < count; i++) {
    const kind = i % 6
    let bytes: Uint8Array
    let expect: Expected
    let what: string
    if (kind === 0) {
      // Random bytes with a random first (version) byte.
      bytes = rnd.bytes(1 + rnd.int(4000))
      what = 'random bytes'
      const block = decodeBlock(bytes)
      expect =
        block.version === 0
          ? ['BAD_ENCODING']
          : block.version > 2 // the active format version
            ? ['VERSION_NOT_ACTIVE']
            : block.ok
              ? 'all-rejected'
              : ['BAD_ENCODING']
    } else if (kind === 1) {
      // Version byte 1, then random bytes: almost never a block.
      bytes = rnd.bytes(2 + rnd.int(4000))
      bytes[0] = 1
      what = 'random bytes after version 1'
      expect = decodeBlock(bytes).ok ? 'all-rejected' : ['BAD_ENCODING']
    } else if (kind === 2) {
      // A well-formed block of random transaction bytes (some long enough to carry an id).
      const txs = Array.from({ length: 1 + rnd.int(20) }, () => rnd.bytes(rnd.int(200)))
      for (const t of txs) if (t.byteLength > 0) t[0] = 1
      bytes = encodeBlock(txs)
      what = 'block of random transactions'
      expect = 'all-rejected'
    } else if (kind === 3) {
      // A good block cut short.
      const whole = encodeBlock([good(), good(), good()])
      bytes = whole.subarray(0, 1 + rnd.int(whole.byteLength - 1))
      what = 'truncated block'
      expect = ['BAD_ENCODING']
    } else if (kind === 4) {
      // A good block with trailing bytes, or a count that overstates its transactions.
      const whole = encodeBlock([good(), good()])
      if (rnd.int(2) === 0) {
        bytes = b4a.concat([whole, rnd.bytes(1 + rnd.int(8))])
        what = 'block with trailing bytes'
      } else {
        bytes = b4a.from(whole)
        bytes[1] = 3
        what = 'block whose count overstates'
      }
      expect = ['BAD_ENCODING']
    } else {
      // An unknown type tag and a truncated tx between good ones.
      const unknown = b4a.from(good())
      unknown[17] = 0xf0
      const cut = good().subarray(0, 20)
      bytes = encodeBlock([unknown, cut])
      what = 'block with unknown type and truncated tx'
      expect = ['UNKNOWN_TYPE', 'BAD_ENCODING']
    }
    await hostileAppend(ctx, [{ bytes, what, expect }])
    ctx.report.count('garbage blocks')
  }
  // An empty block: autobase stores it as null, like an indexer's ack, so no node records it.
  await hostileAppend(ctx, [{ bytes: b4a.alloc(0), what: 'empty block', expect: null }])
  ctx.report.count('garbage blocks')
  // Oversized: one block just over 1 MiB of valid puts, one of MAX_BLOCK_TXS + 1 tiny transactions,
  // and a transaction over MAX_TX_BYTES between good ones.
  const value = JSON.stringify('v'.repeat(MAX_VALUE_BYTES - 2))
  const big: Uint8Array[] = []
  const bigIds: Uint8Array[] = []
  for (let size = 0; size <= MAX_BLOCK_BYTES;) {
    const t = tx(rnd, { type: 'put', key: 'big-' + hex(rnd.bytes(4)), value })
    big.push(t.bytes)
    bigIds.push(t.id)
    size += t.bytes.byteLength + 3
  }
  const tooMany = Array.from({ length: MAX_BLOCK_TXS + 1 }, () =>
    tx(rnd, { type: 'put', key: 'many', value: '1' })
  )
  const giant = tx(rnd, {
    type: 'put',
    key: 'giant',
    value: JSON.stringify('g'.repeat(MAX_TX_BYTES))
  })
  const oversized = encodeBlock(big)
  await hostileAppend(ctx, [
    {
      bytes: oversized,
      what: `block of ${oversized.byteLength} bytes`,
      expect: ['TOO_LARGE'],
      ids: bigIds
    }
  ])
  await hostileAppend(ctx, [
    {
      bytes: encodeBlock(tooMany.map((t) => t.bytes)),
      what: `block of ${MAX_BLOCK_TXS + 1} transactions`,
      expect: ['TOO_LARGE'],
      ids: tooMany.map((t) => t.id)
    }
  ])
  const [g1, g2] = [
    tx(rnd, { type: 'put', key: 'around-giant', value: '1' }),
    tx(rnd, { type: 'put', key: 'around-giant', value: '2' })
  ]
  await hostileAppend(ctx, [
    {
      bytes: encodeBlock([g1.bytes, giant.bytes, g2.bytes]),
      what: 'transaction over MAX_TX_BYTES',
      expect: ['accepted', 'TOO_LARGE', 'accepted'],
      ids: [giant.id]
    }
  ])
  ctx.report.count('oversized blocks', 3)
  ctx.log(`garbage: ${count} blocks + 3 oversized`)
}
