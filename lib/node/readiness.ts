import type { Alarms } from './health/monitor.js'

/** What readiness is judged from: the node's state now. */
export interface ReadinessInput extends Alarms {
  /** Open, and not closing. */
  open: boolean
  /** Announced on the DHT (null for a node opened without a network). */
  announced: boolean | null
  /** The base stopped on an error: nothing more is applied. */
  failed: boolean
  upgradeRequired: string | null
}

export type CheckName = 'open' | 'network' | 'applying' | 'upgrade' | 'diverged' | 'stalled'

export interface FailedCheck {
  check: CheckName
  message: string
}

/** The checks a node fails now, in a fixed order; none when it is ready to serve. */
export function failedChecks(s: ReadinessInput, now = Date.now()): FailedCheck[] {
  const failed: FailedCheck[] = []
  if (!s.open) failed.push({ check: 'open', message: 'the node is not open (opening or closing)' })
  if (s.announced === null)
    failed.push({ check: 'network', message: 'the node was opened without a network' })
  else if (!s.announced) failed.push({ check: 'network', message: 'not announced on the DHT yet' })
  if (s.failed)
    failed.push({ check: 'applying', message: 'the node stopped on an error (see the log)' })
  return [...failed, ...healthChecks(s, now)]
}

/** What `status` reports as health: a ledger this release cannot apply, and the alarms. */
export function healthChecks(
  s: Pick<ReadinessInput, 'upgradeRequired' | 'diverged' | 'stalled'>,
  now = Date.now()
): FailedCheck[] {
  const upgrade: FailedCheck[] =
    s.upgradeRequired === null
      ? []
      : [{ check: 'upgrade', message: `UPGRADE REQUIRED: ${s.upgradeRequired}` }]
  return [...upgrade, ...alarmChecks(s, now)]
}

/** One failed check per raised alarm, each a one-line message. */
export function alarmChecks({ diverged: d, stalled: st }: Alarms, now = Date.now()): FailedCheck[] {
  const failed: FailedCheck[] = []
  if (d !== null)
    failed.push({
      check: 'diverged',
      message:
        `DIVERGED at position ${d.position}: own head ${d.head.slice(0, 16)}... differed from the signed ${d.signedHead.slice(0, 16)}... at length ${d.length}; ` +
        `${d.followed ? 'follows the signed ledger now' : 'not on the signed ledger yet'} (see the daemon log)`
    })
  if (st !== null) {
    const secs = Math.max(0, Math.round((now - Date.parse(st.since)) / 1000))
    failed.push({
      check: 'stalled',
      message: `STALLED: final length ${st.finalLength} for ${secs} s while a peer is final at ${st.peerFinalLength}`
    })
  }
  return failed
}
