import type test from 'brittle'
import type { ScenarioReport } from './report.js'

/** Every guarantee of a scenario's report as an assertion, with what was seen in its message. */
export function assertChecks(t: test.Test, report: ScenarioReport): void {
  for (const c of report.checks)
    t.ok(c.ok, c.detail === undefined || c.detail === '' ? c.name : `${c.name}: ${c.detail}`)
}

/** At least `minimum[what]` of each kind of thing tried (summed over the counts whose name starts with `what`). */
export function assertTried(
  t: test.Test,
  report: ScenarioReport,
  minimum: Record<string, number>
): void {
  for (const [what, n] of Object.entries(minimum)) {
    const tried = Object.entries(report.tried)
      .filter(([k]) => k.startsWith(what))
      .reduce((s, [, v]) => s + v, 0)
    t.ok(tried >= n, `tried ${tried} ${what} (at least ${n})`)
  }
}
