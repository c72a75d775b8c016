import FastForward from 'autobase/lib/fast-forward.js'

/**
 * How far behind the latest signed state (in autobase system blocks, tens of seconds of full load)
 * a running node must be before it fast-forwards. Autobase's own 16 made busy nodes fast-forward
 * every few seconds under load, each time pausing apply and then fetching what the jump skipped,
 * so that a busy node fell further behind. A node further behind (new, or back from a long outage) still jumps.
 */
export const FAST_FORWARD_MINIMUM = 1000

/**
 * Autobase has no per-base option for it, only a static shared by every base in the process: a
 * node sets it when it opens (never on import), so that merely importing the library changes nothing.
 */
export function setFastForwardMinimum(): void {
  FastForward.MINIMUM = FAST_FORWARD_MINIMUM
}
