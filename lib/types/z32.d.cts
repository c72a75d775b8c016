declare module 'z32' {
  /** z-base-32 text of the bytes. */
  export function encode(bytes: Uint8Array): string
  /** The bytes of z-base-32 text; throws on a character outside the alphabet. */
  export function decode(text: string): Buffer
}
