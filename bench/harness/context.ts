import fs from 'fs/promises'
import path from 'path'
import os from 'os'
import createTestnet from 'hyperdht/testnet.js'
import type { BenchConfig } from './config.js'

/** What a scenario gets from the runner. */
export interface BenchContext {
  config: BenchConfig
  /** Progress on stderr (stdout carries the table). */
  log (message: string): void
}

/** A fresh private DHT on loopback: nothing the bench creates ever bootstraps off this machine. */
export interface LoopbackNet {
  bootstrap: Array<{ host: string, port: number }>
  destroy (): Promise<void>
}

export async function loopbackNet (): Promise<LoopbackNet> {
  const testnet = await createTestnet(3, { host: '127.0.0.1' })
  return { bootstrap: testnet.bootstrap, destroy: () => testnet.destroy() }
}

/** A temporary directory for one run's stores. */
export async function scratch (label: string): Promise<{ dir: string, remove (): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `autoledger-bench-${label}-`))
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) }
}

/**
 * Untimed setup, then the timed part, then teardown in reverse order whatever happened. Each
 * `defer`red cleanup runs even when the run fails, so a failed run leaves no process behind.
 */
export async function withTeardown<T> (fn: (defer: (cleanup: () => Promise<unknown>) => void) => Promise<T>): Promise<T> {
  const cleanups: Array<() => Promise<unknown>> = []
  try {
    return await fn(cleanup => { cleanups.push(cleanup) })
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try { await cleanup() } catch {}
    }
  }
}

export class SanityError extends Error {
  constructor (message: string) {
    super(`sanity check failed: ${message}`)
    this.name = 'SanityError'
  }
}

/** Throw a SanityError unless every value is the same. */
export function assertSame (what: string, values: string[]): void {
  const distinct = new Set(values)
  if (distinct.size !== 1) throw new SanityError(`${what} differs between nodes: ${[...distinct].map(v => v.slice(0, 16)).join(' vs ')}`)
}

export function assertEqual (what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new SanityError(`${what} is ${actual}, expected ${expected}`)
}

/** A generous timeout for something expected to take `expectedMs`. */
export function timeoutFor (expectedMs: number): number {
  return Math.max(60_000, expectedMs * 10)
}
