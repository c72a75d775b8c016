import type { EventEmitter } from 'events'
import { LedgerError } from '../errors.js'

/**
 * Resolve with the first non-null result of `check`, run now and again whenever one of `emitters`
 * fires one of `events` (one run at a time; an event during a run runs it once more). TIMEOUT after
 * `timeout` ms.
 */
export function waitFor<T>(
  emitters: EventEmitter[],
  events: string[],
  check: () => T | null | Promise<T | null>,
  timeout: number,
  what: string
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let running = false
    let again = false
    const done = (err: Error | null, value?: T): void => {
      clearTimeout(timer)
      for (const e of emitters) for (const ev of events) e.off(ev, run)
      if (err) reject(err)
      else resolve(value as T)
    }
    const timer = setTimeout(
      () => done(new LedgerError('TIMEOUT', `timed out after ${timeout} ms waiting for ${what}`)),
      timeout
    )
    function run(): void {
      if (running) {
        again = true
        return
      }
      running = true
      Promise.resolve(check()).then(
        (value) => {
          running = false
          if (value !== null) done(null, value)
          else if (again) {
            again = false
            run()
          }
        },
        (err) => done(err)
      )
    }
    for (const e of emitters) for (const ev of events) e.on(ev, run)
    run()
  })
}
