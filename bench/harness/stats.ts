/** Summary of one figure over several runs. */
export interface Spread {
  median: number
  min: number
  max: number
  runs: number[]
}

export function spread(values: number[]): Spread {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, runs: [] }
  const sorted = [...values].sort((a, b) => a - b)
  return { median: middle(sorted), min: sorted[0], max: sorted[sorted.length - 1], runs: values }
}

/** Median of unsorted samples (NaN when there are none). */
export function median(values: number[]): number {
  return spread(values).median
}

function middle(sorted: number[]): number {
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export interface Percentiles {
  p50: number
  p95: number
  p99: number
  samples: number
}

export function percentiles(values: number[]): Percentiles {
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    samples: values.length
  }
}

/** Spread of each named figure over runs: `[{a:1,b:2},{a:3,b:4}]` -> `{a: spread([1,3]), b: spread([2,4])}`. */
export function spreadEach<K extends string>(runs: Array<Record<K, number>>): Record<K, Spread> {
  const out = {} as Record<K, Spread>
  if (runs.length === 0) return out
  for (const key of Object.keys(runs[0]) as K[]) out[key] = spread(runs.map((r) => r[key]))
  return out
}
