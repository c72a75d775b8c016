import type { BenchResults } from './results.js'
import { meetsTarget } from './report.js'
import type { Figure } from './report.js'

function num(n: number): string {
  if (Number.isNaN(n)) return '-'
  const abs = Math.abs(n)
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US')
  if (abs >= 100) return n.toFixed(0)
  if (abs >= 10) return n.toFixed(1)
  return n.toFixed(2)
}

function pad(s: string, width: number, right = false): string {
  return right ? s.padStart(width) : s.padEnd(width)
}

function row(f: Figure): string[] {
  const met = meetsTarget(f)
  const target =
    f.target === undefined ? '' : `${f.target.text} ${met === null ? '' : met ? 'met' : 'MISSED'}`
  return [f.label, num(f.spread.median), num(f.spread.min), num(f.spread.max), f.unit, target]
}

/** The human table: one block per scenario, one line per figure (median, min, max over runs). */
export function formatTable(results: BenchResults): string {
  const m = results.machine
  const lines: string[] = []
  const experiments = [
    results.config.forceAckMs === null ? null : `--force-ack ${results.config.forceAckMs}`,
    results.config.ackIntervalMs === null ? null : `--ack-interval ${results.config.ackIntervalMs}`,
    results.config.maxPending === null ? null : `--max-pending ${results.config.maxPending}`,
    results.config.timeOrderedIds ? null : '--random-ids'
  ].filter((e) => e !== null)
  if (experiments.length > 0)
    lines.push(`EXPERIMENT (not the library's default behaviour): ${experiments.join(' ')}`)
  lines.push(
    `autoledger bench: ${m.cores} cores (${m.cpu}), ${(m.memoryBytes / 2 ** 30).toFixed(0)} GiB, Node ${m.node}, commit ${m.commit?.slice(0, 12) ?? 'unknown'}${m.dirty === true ? ' (dirty)' : ''}, ${results.config.runs} run(s) per figure`
  )
  for (const report of Object.values(results.scenarios)) {
    lines.push('')
    lines.push(
      `${report.name}: ${report.title}${report.ok ? '' : '  FAILED: ' + (report.error ?? '')}`
    )
    const rows = [
      ['', 'median', 'min', 'max', 'unit', 'target'],
      ...Object.values(report.figures).map(row)
    ]
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
    for (const r of rows)
      lines.push(
        '  ' +
          r
            .map((cell, i) => pad(cell, widths[i], i >= 1 && i <= 3))
            .join('  ')
            .trimEnd()
      )
    for (const note of report.notes) lines.push(`  note: ${note}`)
  }
  for (const profile of results.profile ?? []) {
    lines.push('')
    lines.push(`profile: ${profile.title}`)
    lines.push(
      `  self time by package (% of busy time; ${(profile.busyMs / 1000).toFixed(1)} s busy of ${(profile.totalMs / 1000).toFixed(1)} s sampled)`
    )
    for (const p of profile.packages.slice(0, 12))
      lines.push(
        `  ${pad(p.name, 32)} ${pad(p.percent.toFixed(1), 5, true)} %  ${pad((p.ms / 1000).toFixed(2), 7, true)} s`
      )
    lines.push('  heaviest functions (self time):')
    for (const f of profile.functions.slice(0, 10))
      lines.push(`  ${pad(f.percent.toFixed(1), 5, true)} %  ${f.name}  (${f.where})`)
  }
  return lines.join('\n') + '\n'
}
