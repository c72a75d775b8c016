/**
 * Milliseconds on the monotonic clock. On Linux `process.hrtime` reads CLOCK_MONOTONIC, which is
 * one clock for every process on the machine, so times taken in different peer processes compare.
 */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6
}
