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
