import c from 'compact-encoding'
import b4a from 'b4a'

type State = ReturnType<typeof c.state>

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** A length-prefixed UTF-8 string whose decode fails on malformed UTF-8 instead of substituting. */
export const strictString = {
  preencode(state: State, s: string): void {
    c.buffer.preencode(state, b4a.from(s, 'utf-8'))
  },
  encode(state: State, s: string): void {
    c.buffer.encode(state, b4a.from(s, 'utf-8'))
  },
  decode(state: State): string {
    const bytes = c.buffer.decode(state)
    return strictUtf8.decode(bytes)
  }
}

/**
 * An unsigned integer up to 2^128 - 1 as a length byte (1-16) and that many big-endian bytes,
 * with no leading zero byte, so every amount has exactly one encoding. Zero is a single 0 byte.
 */
export const amount = {
  preencode(state: State, n: bigint): void {
    state.end += 1 + byteLength(n)
  },
  encode(state: State, n: bigint): void {
    const len = byteLength(n)
    const buf = state.buffer as Uint8Array
    buf[state.start++] = len
    for (let i = len - 1; i >= 0; i--) {
      buf[state.start + i] = Number(n & 0xffn)
      n >>= 8n
    }
    state.start += len
  },
  decode(state: State): bigint {
    const buf = state.buffer as Uint8Array
    if (state.start >= state.end) throw new Error('Out of bounds')
    const len = buf[state.start++]
    if (len > 16 || state.start + len > state.end) throw new Error('Bad amount length')
    if (len > 0 && buf[state.start] === 0) throw new Error('Non-canonical amount')
    let n = 0n
    for (let i = 0; i < len; i++) n = (n << 8n) | BigInt(buf[state.start + i])
    state.start += len
    return n
  }
}

function byteLength(n: bigint): number {
  let len = 0
  while (n > 0n) {
    len++
    n >>= 8n
  }
  return len
}

/** Decode `bytes` completely with `enc`; null if it throws or leaves trailing bytes. */
export function decodeExact<T>(enc: { decode(state: State): T }, bytes: Uint8Array): T | null {
  const state = c.state(0, bytes.byteLength, bytes)
  try {
    const value = enc.decode(state)
    return state.start === state.end ? value : null
  } catch {
    return null
  }
}
