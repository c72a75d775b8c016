import type { EventEmitter } from 'events'
import { LedgerError } from '../errors.js'

/**
 * Resolve with the first non-null result of `check`, run now and again after every 'change' of
 * `changes` (one run at a time; a change during a run runs it once more). TIMEOUT after `timeout` ms.
 */
export async function waitForChange<T>(
  changes: EventEmitter,
  check: () => Promise<T | null>,
  timeout: number,
  what: string
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let running = false
    let again = false
    const done = (err: Error | null, value?: T): void => {
      clearTimeout(timer)
      changes.off('change', run)
      if (err) reject(err)
      else resolve(value as T)
    }
    const timer = setTimeout(
      () => done(new LedgerError('TIMEOUT', `timed out after ${timeout} ms waiting for ${what}`)),
      timeout
    )
    const run = (): void => {
      if (running) {
        again = true
        return
      }
      running = true
      check().then(
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
    changes.on('change', run)
    run()
  })
}
