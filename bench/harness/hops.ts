import type { Sightings } from '../peer/latency-observer.js'
import { SanityError } from './context.js'

/**
 * The hops between a submit and its entry being visible on another node (append, replicate,
 * apply), and between a submit and its entry being final on the submitter (indexed, ack, sign).
 */
export const HOPS = ['append', 'replicate', 'apply', 'indexed', 'ack', 'sign'] as const
export type Hop = (typeof HOPS)[number]

export const HOP_LABELS: Record<Hop, string> = {
  append: 'submit -> block in the local writer core',
  replicate: 'in the writer core -> held by another node',
  apply: 'held -> visible there',
  indexed: 'submit -> held by an indexer quorum',
  ack: 'held by the quorum -> each appended since',
  sign: 'quorum appended -> final on the submitter'
}

/**
 * Every transaction's time in each hop (ms). `submitted[w]` is writer w's submit time per id, and
 * `seen[n]` node n's sightings (the writers first). An indexer's ack is its first append since it
 * held the block (no earlier append can reference it; an indexer's own block is its own ack), and
 * a quorum's time is the quorum-th earliest of its indexers' times.
 */
export function hopSamples(
  submitted: Array<Record<string, number>>,
  seen: Sightings[],
  writerKeys: string[]
): Record<Hop, number[]> {
  const samples = Object.fromEntries(HOPS.map((h) => [h, [] as number[]])) as Record<Hop, number[]>
  const indexers = seen.filter((s) => s.isIndexer)
  const quorum = (indexers.length >> 1) + 1
  const appends = indexers.map((s) => Object.values(s.appended).sort((a, b) => a - b))
  submitted.forEach((ids, w) => {
    for (const [id, at] of Object.entries(ids)) {
      const block = seen[w].ownBlock[id]
      const appended = seen[w].appended[block]
      if (appended === undefined)
        throw new SanityError(`writer ${w} never saw the block of its transaction ${id} appended`)
      samples.append.push(appended - at)
      const held = seen.map((s, v) => {
        if (v === w) return appended
        const heldAt = s.held[writerKeys[w]]?.[block]
        if (heldAt === undefined)
          throw new SanityError(`node ${v} never downloaded block ${block} of writer ${w}`)
        samples.replicate.push(heldAt - appended)
        samples.apply.push(s.visible[id] - heldAt)
        return heldAt
      })
      const heldByIndexers = seen.flatMap((s, v) => (s.isIndexer ? [held[v]] : []))
      const acked = heldByIndexers.map((t, i) => appends[i].find((a) => a >= t) ?? Infinity)
      const indexed = nth(heldByIndexers, quorum)
      const ack = nth(acked, quorum)
      if (ack === Infinity)
        throw new SanityError(`no indexer quorum appended after it held transaction ${id}`)
      samples.indexed.push(indexed - at)
      samples.ack.push(ack - indexed)
      samples.sign.push(seen[w].final[id] - ack)
    }
  })
  return samples
}

/** The k-th smallest (1-based). */
function nth(values: number[], k: number): number {
  return [...values].sort((a, b) => a - b)[k - 1]
}
