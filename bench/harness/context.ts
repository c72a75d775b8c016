import type { BenchConfig } from './config.js'
import { loopbackTestnet } from '../../test/helpers/loopback.js'
import type { LoopbackTestnet } from '../../test/helpers/loopback.js'
import { tempDir } from '../../test/helpers/temp.js'

/** What a scenario gets from the runner. */
export interface BenchContext {
  config: BenchConfig
  /** Progress on stderr (stdout carries the table). */
  log(message: string): void
}

/** Registers a cleanup with the run's teardown (see withTeardown). */
export type Defer = (cleanup: () => Promise<unknown>) => void

/** A fresh private DHT on loopback for one run, destroyed at its teardown: nothing the bench creates ever bootstraps off this machine. */
export async function runNet(defer: Defer): Promise<LoopbackTestnet> {
  const net = await loopbackTestnet()
  defer(() => net.destroy())
  return net
}

/** A temporary directory for one run's stores, removed at its teardown. */
export async function runDir(defer: Defer, label: string): Promise<string> {
  const tmp = await tempDir(`bench-${label}`)
  defer(() => tmp.remove())
  return tmp.dir
}

/** The longest wait for one step of a run: a minute in a smoke run, else `fullMs`. */
export function runTimeout(config: BenchConfig, fullMs = 600_000): number {
  return config.smoke ? 60_000 : fullMs
}

/**
 * Untimed setup, then the timed part, then teardown in reverse order whatever happened. Each
 * `defer`red cleanup runs even when the run fails, so a failed run leaves no process behind.
 */
export async function withTeardown<T>(fn: (defer: Defer) => Promise<T>): Promise<T> {
  const cleanups: Array<() => Promise<unknown>> = []
  try {
    return await fn((cleanup) => {
      cleanups.push(cleanup)
    })
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup()
      } catch {}
    }
  }
}

export class SanityError extends Error {
  constructor(message: string) {
    super(`sanity check failed: ${message}`)
    this.name = 'SanityError'
  }
}

/** Throw a SanityError unless every value is the same. */
export function assertSame(what: string, values: string[]): void {
  const distinct = new Set(values)
  if (distinct.size !== 1)
    throw new SanityError(
      `${what} differs between nodes: ${[...distinct].map((v) => v.slice(0, 16)).join(' vs ')}`
    )
}

export function assertEqual(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new SanityError(`${what} is ${actual}, expected ${expected}`)
}

/**
 * The timed part of a run: every peer's wait is started, then every peer submits; the time is
 * from the first submit anywhere until the last peer is done.
 */
export async function timeToDone<D extends { at: number }>(
  wait: () => Promise<D[]>,
  submit: () => Promise<Array<{ firstSubmitAt: number }>>
): Promise<{ done: D[]; ms: number }> {
  const waiting = wait()
  const submitted = await submit()
  const done = await waiting
  return {
    done,
    ms: Math.max(...done.map((d) => d.at)) - Math.min(...submitted.map((s) => s.firstSubmitAt))
  }
}
