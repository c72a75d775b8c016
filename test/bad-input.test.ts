import test from 'brittle'
import { httpBadInput } from './reliability/bad-input/http.js'
import { cliBadInput } from './reliability/bad-input/cli.js'
import { fileBadInput } from './reliability/bad-input/files.js'
import { diskFull } from './reliability/bad-input/disk-full.js'
import type { Report } from './reliability/report.js'
import { assertChecks, assertTried } from './reliability/assert.js'
import { seedFromEnv, commentSeed } from './helpers/random.js'

const SEED = seedFromEnv()

/** Every guarantee of a scenario as an assertion, and at least `minimum` of each kind of thing tried. */
function assertReport(t: test.Test, report: Report, minimum: Record<string, number> = {}): void {
  t.comment(
    `${report.scenario}: tried ${JSON.stringify(report.tried)}; ${JSON.stringify(report.figures)}`
  )
  assertChecks(t, report)
  assertTried(t, report, minimum)
}

test('bad input - HTTP API: thousands of bad requests get documented replies; the daemon and its store are unharmed', async (t) => {
  commentSeed(t, SEED)
  const report = await httpBadInput({ httpCases: 4000, seed: SEED })
  assertReport(t, report, { 'http:': 3500, 'good writes': 50 })
})

test('bad input - CLI: generated bad arguments for every command exit 2 or 1 with the documented output', async (t) => {
  commentSeed(t, SEED)
  const report = await cliBadInput({ cliCases: 80, seed: SEED })
  assertReport(t, report, { 'cli usage:': 80, 'cli operational:': 15 })
})

test('bad input - files: corrupt config, token, daemon.json and lock, a file as data dir, a read-only dir', async (t) => {
  const report = await fileBadInput()
  assertReport(t, report, { 'file:': 40 })
})

test('bad input - full disk: DISK_FULL, reads go on, writes resume, nothing acknowledged is lost', async (t) => {
  const report = await diskFull()
  if (report.figures.skipped !== undefined) {
    t.comment(`skipped: ${report.figures.skipped}`)
    return
  }
  assertReport(t, report, { 'disk: acknowledged writes': 50 })
})
