import type { EventEmitter } from 'events'

/** Resolve with the first non-null result of `check`, re-run whenever an emitter fires one of `events`. */
export function waitFor<T>(
  emitters: EventEmitter[],
  events: string[],
  check: () => T | null | Promise<T | null>,
  timeoutMs: number,
  what: string
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let running = false
    let again = false
    const cleanup = (): void => {
      clearTimeout(timer)
      for (const e of emitters) for (const ev of events) e.off(ev, run)
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))
    }, timeoutMs)
    function run(): void {
      if (running) {
        again = true
        return
      }
      running = true
      Promise.resolve(check()).then(
        (value) => {
          running = false
          if (value !== null) {
            cleanup()
            resolve(value)
          } else if (again) {
            again = false
            run()
          }
        },
        (err) => {
          cleanup()
          reject(err)
        }
      )
    }
    for (const e of emitters) for (const ev of events) e.on(ev, run)
    run()
  })
}
