import type { Spread } from './stats.js'
import { spread } from './stats.js'

/** One reported figure: its spread over runs, its unit, and the target for it if it has one. */
export interface Figure {
  label: string
  unit: string
  spread: Spread
  /** Higher is better (throughput) or lower is better (latency, time). */
  better: 'higher' | 'lower'
  target?: { value: number; text: string }
}

export interface ScenarioReport {
  name: string
  title: string
  ok: boolean
  error?: string
  params: Record<string, unknown>
  figures: Record<string, Figure>
  /** Per-run detail as measured (times in ms, sizes in bytes). */
  runs: unknown
  notes: string[]
  seconds: number
}

export function figure(
  label: string,
  unit: string,
  values: number[],
  better: Figure['better'],
  target?: Figure['target']
): Figure {
  return {
    label,
    unit,
    spread: spread(values),
    better,
    ...(target === undefined ? {} : { target })
  }
}

/** One measure of a scenario that runs two setups in each run (the first, then the second, or alternating). */
export interface PairedMeasure<R> {
  /** Figure keys: `<key><First>`, `<key><Second>` (setup names capitalized) and `<key>Ratio`. */
  key: string
  label: string
  unit: string
  better: Figure['better']
  pick: (run: R) => number
}

/**
 * Each setup's figure and the ratio of the first to the second within each run, labelled
 * `<label>, <setup label>` and `<label>: <ratio label>`.
 */
export function pairedFigures<S extends string, R>(
  runs: Array<Record<S, R>>,
  [first, second]: [S, S],
  labels: Record<S | 'ratio', string>,
  { key, label, unit, better, pick }: PairedMeasure<R>
): Record<string, Figure> {
  const name = (setup: string): string => key + setup[0].toUpperCase() + setup.slice(1)
  const of = (setup: S): Figure =>
    figure(
      `${label}, ${labels[setup]}`,
      unit,
      runs.map((r) => pick(r[setup])),
      better
    )
  return {
    [name(first)]: of(first),
    [name(second)]: of(second),
    [`${key}Ratio`]: figure(
      `${label}: ${labels.ratio}`,
      'x',
      runs.map((r) => pick(r[first]) / pick(r[second])),
      better
    )
  }
}

export function meetsTarget(f: Figure): boolean | null {
  if (f.target === undefined || Number.isNaN(f.spread.median)) return null
  return f.better === 'higher'
    ? f.spread.median >= f.target.value
    : f.spread.median <= f.target.value
}

/** Ratio of two figures' medians, as its own figure (one value). */
export function ratioFigure(
  label: string,
  numerator: Figure | undefined,
  denominator: Figure | undefined,
  target?: Figure['target']
): Figure | null {
  if (numerator === undefined || denominator === undefined) return null
  return figure(label, 'x', [numerator.spread.median / denominator.spread.median], 'higher', target)
}
