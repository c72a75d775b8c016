declare module 'hypercore-crypto' {
  export function hash(data: Uint8Array | Uint8Array[]): Buffer
  export function randomBytes(n: number): Buffer
}
