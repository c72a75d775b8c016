import type test from 'brittle'

/** A small seeded PRNG (mulberry32), so a failing random run can be replayed from its seed. */
export class Random {
  private state: number

  constructor(readonly seed: number) {
    this.state = seed >>> 0
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }

  /** `n` characters drawn from `alphabet`. */
  text(n: number, alphabet: string): string {
    let s = ''
    for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)]
    return s
  }
}

/** The seed from AUTOLEDGER_SEED, or a fresh one. Tests print it so a failure can be replayed. */
export function seedFromEnv(): number {
  const env = process.env.AUTOLEDGER_SEED
  return env ? Number(env) : Math.floor(Math.random() * 2 ** 31)
}

/** Print how to replay a test run from its seed. */
export function commentSeed(t: test.Test, seed: number): void {
  t.comment(`seed ${seed} (replay with AUTOLEDGER_SEED=${seed})`)
}

/** The test's seed (AUTOLEDGER_SEED, or a fresh one), printed so a failure can be replayed. */
export function testSeed(t: test.Test): number {
  const seed = seedFromEnv()
  commentSeed(t, seed)
  return seed
}
