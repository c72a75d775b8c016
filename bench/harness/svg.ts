import type { BenchResults } from './results.js'
import type { Figure } from './report.js'

// Hand-written SVG: bar charts with min-max whiskers. No chart dependency.

const HEIGHT = 380
const MARGIN = { top: 48, right: 24, bottom: 76, left: 72 }
const COLORS = ['#3b6ea5', '#e07b39', '#5a9e4b', '#b04a5a', '#7d5ba6', '#8c8c8c']

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** A round axis step giving about `ticks` ticks up to `max`. */
function niceStep(max: number, ticks = 5): number {
  const raw = max / ticks
  const mag = 10 ** Math.floor(Math.log10(raw))
  const norm = raw / mag
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag
}

function fmt(n: number): string {
  if (n >= 1_000_000) return `${Math.round(n / 1e5) / 10}M`
  if (n >= 10_000) return `${Math.round(n / 1000)}k`
  if (n >= 1000) return `${(n / 1000).toFixed(1)}k`
  if (n >= 10 || Number.isInteger(n)) return n.toFixed(0)
  return n.toFixed(1)
}

export interface BarGroup {
  label: string
  bars: Array<{ series: string; value: number; min: number; max: number }>
}

export interface ChartOptions {
  /** A log scale keeps milliseconds and seconds readable on one chart. Default linear. */
  log?: boolean
  width?: number
}

/** Bars per group with min-max whiskers; a group label may hold a line break as '|'. */
export function barChart(
  title: string,
  yLabel: string,
  groups: BarGroup[],
  subtitle: string,
  opts: ChartOptions = {}
): string {
  const WIDTH = opts.width ?? 720
  const series = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.series)))]
  const top = Math.max(
    1,
    ...groups.flatMap((g) => g.bars.map((b) => (Number.isFinite(b.max) ? b.max : b.value)))
  )
  const plotW = WIDTH - MARGIN.left - MARGIN.right
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom
  let ticks: number[]
  let y: (v: number) => number
  if (opts.log === true) {
    const lo = 1
    const hi = 10 ** Math.ceil(Math.log10(top))
    ticks = []
    for (let v = lo; v <= hi; v *= 10) ticks.push(v)
    y = (v) => MARGIN.top + plotH - (Math.log10(Math.max(lo, v)) / Math.log10(hi)) * plotH
  } else {
    const step = niceStep(top)
    const yMax = Math.ceil(top / step) * step
    ticks = []
    for (let v = 0; v <= yMax + step / 2; v += step) ticks.push(v)
    y = (v) => MARGIN.top + plotH - (v / yMax) * plotH
  }
  const base = opts.log === true ? 1 : 0
  const groupW = plotW / Math.max(1, groups.length)
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, series.length))
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`
  )
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`)
  out.push(
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`
  )
  out.push(`<text x="${WIDTH / 2}" y="37" text-anchor="middle" fill="#555">${esc(subtitle)}</text>`)
  for (const v of ticks) {
    out.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`
    )
    out.push(
      `<text x="${MARGIN.left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#333">${fmt(v)}</text>`
    )
  }
  out.push(
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(yLabel)}</text>`
  )
  groups.forEach((g, gi) => {
    const x0 = MARGIN.left + gi * groupW + (groupW - barW * g.bars.length) / 2
    g.bars.forEach((b, bi) => {
      const x = x0 + bi * barW
      const color = COLORS[series.indexOf(b.series) % COLORS.length]
      out.push(
        `<rect x="${x + 2}" y="${y(b.value)}" width="${barW - 4}" height="${Math.max(0, y(base) - y(b.value))}" fill="${color}"><title>${esc(`${g.label} ${b.series}: ${fmt(b.value)} (min ${fmt(b.min)}, max ${fmt(b.max)})`)}</title></rect>`
      )
      if (Number.isFinite(b.min) && Number.isFinite(b.max) && b.max > b.min) {
        const cx = x + barW / 2
        out.push(`<line x1="${cx}" x2="${cx}" y1="${y(b.min)}" y2="${y(b.max)}" stroke="#222"/>`)
        out.push(
          `<line x1="${cx - 4}" x2="${cx + 4}" y1="${y(b.min)}" y2="${y(b.min)}" stroke="#222"/>`
        )
        out.push(
          `<line x1="${cx - 4}" x2="${cx + 4}" y1="${y(b.max)}" y2="${y(b.max)}" stroke="#222"/>`
        )
      }
      out.push(
        `<text x="${x + barW / 2}" y="${y(Math.max(b.value, Number.isFinite(b.max) ? b.max : 0)) - 4}" text-anchor="middle" font-size="10" fill="#333">${fmt(b.value)}</text>`
      )
    })
    g.label.split('|').forEach((line, li) => {
      out.push(
        `<text x="${MARGIN.left + gi * groupW + groupW / 2}" y="${HEIGHT - MARGIN.bottom + 16 + li * 14}" text-anchor="middle" fill="#333">${esc(line)}</text>`
      )
    })
  })
  out.push(
    `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(base)}" y2="${y(base)}" stroke="#333"/>`
  )
  let lx = MARGIN.left
  series.forEach((s, i) => {
    const ly = HEIGHT - 14
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`
    )
    out.push(`<text x="${lx + 18}" y="${ly}" fill="#333">${esc(s)}</text>`)
    lx += 40 + s.length * 7
  })
  out.push('</svg>')
  return out.join('\n') + '\n'
}

function bar(series: string, f: Figure | undefined): BarGroup['bars'][number] | null {
  if (f === undefined || Number.isNaN(f.spread.median)) return null
  return { series, value: f.spread.median, min: f.spread.min, max: f.spread.max }
}

function machineLine(r: BenchResults): string {
  return `${r.machine.cores} cores, Node ${r.machine.node}, median of ${r.config.runs} run(s), whiskers min-max`
}

/** Convergence throughput against the number of writers (scaling), with the baselines beside it. */
export function throughputChart(r: BenchResults): string | null {
  const scaling = r.scenarios.scaling
  const groups: BarGroup[] = []
  if (scaling?.ok === true) {
    for (const w of r.config.scalingWriters) {
      const b = bar('ledger, to final everywhere', scaling.figures[`w${w}`])
      if (b !== null) groups.push({ label: `${w} writer${w === 1 ? '' : 's'}`, bars: [b] })
    }
  }
  const conv = r.scenarios.convergence
  const base = r.scenarios.baselines
  const refs: BarGroup['bars'] = []
  const ledger = bar('ledger, to final everywhere', conv?.figures.txPerSec)
  if (ledger !== null) refs.push(ledger)
  const local = bar('one node, no network', conv?.figures.localTxPerSec)
  if (local !== null) refs.push(local)
  const raw = bar('raw hypercore', base?.figures.rawTxPerSec)
  if (raw !== null) refs.push(raw)
  const naive = bar('naive autobase', base?.figures.naiveTxPerSec)
  if (naive !== null) refs.push(naive)
  const orbit = bar('OrbitDB', r.scenarios.orbitdb?.figures.txPerSec)
  if (orbit !== null) refs.push(orbit)
  if (refs.length > 0)
    groups.push({ label: `${r.config.writers} writers:|ledger and baselines`, bars: refs })
  if (groups.length === 0) return null
  return barChart(
    `Convergence throughput: ${r.config.scalingTotal.toLocaleString('en-US')} tx over 1-16 writers; right: ${r.config.writers} x ${r.config.txs.toLocaleString('en-US')} and baselines`,
    'transactions / s (log scale)',
    groups,
    machineLine(r),
    { log: true, width: 880 }
  )
}

/** Latency percentiles: submit to visible on another node, and submit to final, per setup. */
export function latencyChart(r: BenchResults): string | null {
  const lat = r.scenarios.latency
  if (lat?.ok !== true) return null
  const groups: BarGroup[] = []
  for (const key of Object.keys(lat.figures)) {
    if (!key.endsWith('P50')) continue
    const stem = key.slice(0, -3)
    const bars = (['P50', 'P95', 'P99'] as const)
      .map((p) => bar(p.toLowerCase(), lat.figures[stem + p]))
      .filter((b) => b !== null)
    groups.push({ label: lat.figures[key].label.replace(/ p50$/, '').replace(' ', '|'), bars })
  }
  if (groups.length === 0) return null
  return barChart(
    'Latency: submit to visible on another node, and submit to final',
    'ms (log scale)',
    groups,
    machineLine(r),
    { log: true, width: 960 }
  )
}
