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
  indexed: 'submit -> visible on an indexer quorum',
  ack: 'visible on the quorum -> each appended since',
  sign: 'quorum appended -> final on the submitter'
}

/**
 * Every transaction's time in each hop (ms). `submitted[w]` is writer w's submit time per id, and
 * `seen[n]` node n's sightings (the writers first); a node's ack is its first append after the
 * entry was visible there, and a quorum's time is the quorum-th earliest of its indexers' times.
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
      seen.forEach((s, v) => {
        if (v === w) return
        const held = s.held[writerKeys[w]]?.[block]
        if (held === undefined)
          throw new SanityError(`node ${v} never downloaded block ${block} of writer ${w}`)
        samples.replicate.push(held - appended)
        samples.apply.push(s.visible[id] - held)
      })
      const visible = indexers.map((s) => s.visible[id])
      const acked = visible.map((t, i) => appends[i].find((a) => a >= t))
      if (acked.some((t) => t === undefined))
        throw new SanityError(`an indexer did not append after it saw transaction ${id}`)
      const indexed = nth(visible, quorum)
      const ack = nth(acked as number[], quorum)
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
