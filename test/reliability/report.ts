import { Random } from '../helpers/random.js'

/** What one reliability scenario tried and whether each guarantee held: shared by `npm test` and `npm run soak`. */
export interface Check {
  /** The guarantee, as a sentence: "every acknowledged transaction is present on every node". */
  name: string
  ok: boolean
  /** What was seen when it did not hold (or a figure when it did). */
  detail?: string
}

export interface ScenarioReport {
  scenario: string
  /** Counts of what was tried: { kills: 24, transactions: 5310 }. */
  tried: Record<string, number>
  /** Measured figures: { maxHonestDelayMs: 412, restartP50Ms: 1310 }. */
  figures: Record<string, number | string>
  checks: Check[]
}

export class Report implements ScenarioReport {
  readonly tried: Record<string, number> = {}
  readonly figures: Record<string, number | string> = {}
  readonly checks: Check[] = []

  constructor(readonly scenario: string) {}

  count(what: string, n = 1): void {
    this.tried[what] = (this.tried[what] ?? 0) + n
  }

  check(name: string, ok: boolean, detail?: string): boolean {
    this.checks.push(detail === undefined ? { name, ok } : { name, ok, detail })
    return ok
  }

  get ok(): boolean {
    return this.checks.length > 0 && this.checks.every((c) => c.ok)
  }
}

/** The report of a seeded run, with the seed as its first figure, and the run's PRNG from that seed. */
export function seededReport(scenario: string, seed: number): { report: Report; rnd: Random } {
  const report = new Report(scenario)
  report.figures.seed = seed
  return { report, rnd: new Random(seed) }
}
