// What every phase of the hostile scenario shares: the nodes, what the hostile member wrote and what it must produce.
import b4a from 'b4a'
import type { LedgerNode } from '../../../lib/index.js'
import type { TxBody } from '../../../lib/ledger/tx.js'
import { link } from '../../helpers/nodes.js'
import type { Random } from '../../helpers/random.js'
import { rawTx } from '../../helpers/raw-tx.js'
import type { RawTx } from '../../helpers/raw-tx.js'
import { within } from '../../helpers/wait.js'
import type { Report } from '../report.js'

export const hex = (b: Uint8Array): string => b4a.toString(b, 'hex')

/** What setup mints: the accounts the hostile member tries to drain, and a little for itself. */
export const MINTED = { admin: 1_000_000n, treasury: 500_000n, honest: 100_000n, hostile: 1_000n }

/** Reasons a hostile block must produce, one per entry; null: no entry at all (an empty block). */
export type Expected = string[] | 'all-rejected' | null

export interface HostileBlock {
  seq: number
  what: string
  expect: Expected
}

export interface Ctx {
  rnd: Random
  timeout: number
  report: Report
  admin: LedgerNode
  honest: LedgerNode
  hostile: LedgerNode
  outsider: LedgerNode
  errors: Map<LedgerNode, Error[]>
  names: Map<LedgerNode, string>
  links: Map<string, () => void>
  blocks: HostileBlock[]
  /** Hostile transactions that must never be accepted, as `<author>:<id>` (ids are scoped per writer). */
  forbidden: Set<string>
  /** Ids the hostile member has used already: its replays of them must be DUPLICATE_ID. */
  hostileIds: string[]
  /** Ids the honest nodes wrote, for the hostile member to replay. */
  honestIds: string[]
  /** Byte-exact honest transactions (a transfer out of the honest account), for it to replay. */
  honestBytes: Uint8Array[]
  log: (line: string) => void
}

function pairName(ctx: Ctx, a: LedgerNode, b: LedgerNode): string {
  return [ctx.names.get(a), ctx.names.get(b)].sort().join('-')
}

export function connect(ctx: Ctx, nodes: LedgerNode[]): void {
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const name = pairName(ctx, nodes[i], nodes[j])
      if (!ctx.links.has(name)) ctx.links.set(name, link(nodes[i], nodes[j]))
    }
  }
}

export function cutOff(ctx: Ctx, node: LedgerNode): void {
  for (const [name, cut] of ctx.links) {
    if (name.split('-').includes(ctx.names.get(node)!)) {
      cut()
      ctx.links.delete(name)
    }
  }
}

/** A hand-built transaction with a fresh id from the seeded PRNG (or the given one). */
export function tx(rnd: Random, body: TxBody, id?: Uint8Array): RawTx {
  return rawTx(rnd, body, { id })
}

/** Append raw bytes (or null-free arrays of them, one autobase batch) to the hostile log; remember what each block must produce. */
export async function hostileAppend(
  ctx: Ctx,
  items: Array<{ bytes: Uint8Array; what: string; expect: Expected; ids?: Uint8Array[] }>
): Promise<void> {
  const log = ctx.hostile.base.local
  const first = log.length
  await within(
    ctx.hostile.base.append(items.length === 1 ? items[0].bytes : items.map((i) => i.bytes)),
    ctx.timeout,
    `hostile append of ${items[0].what}`
  )
  if (log.length !== first + items.length)
    throw new Error(`hostile log grew by ${log.length - first}, not ${items.length}`)
  items.forEach((item, i) => {
    ctx.blocks.push({ seq: first + i, what: item.what, expect: item.expect })
    for (const id of item.ids ?? []) ctx.forbidden.add(`${hex(ctx.hostile.writerKey)}:${hex(id)}`)
  })
  ctx.report.count('hostile blocks', items.length)
}

export interface Accounts {
  admin: string
  honest: string
  hostile: string
  outsider: string
}

export function accounts(ctx: Ctx): Accounts {
  return {
    admin: hex(ctx.admin.writerKey),
    honest: hex(ctx.honest.writerKey),
    hostile: hex(ctx.hostile.writerKey),
    outsider: hex(ctx.outsider.writerKey)
  }
}
