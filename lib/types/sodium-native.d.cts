declare module 'sodium-native' {
  /** BLAKE2b of `input` into `output` (16-64 bytes), keyed when `key` (16-64 bytes) is given. */
  export function crypto_generichash(output: Uint8Array, input: Uint8Array, key?: Uint8Array): void
  /** Constant-time equality of two buffers of the same length. */
  export function sodium_memcmp(a: Uint8Array, b: Uint8Array): boolean
}
