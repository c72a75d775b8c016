declare module 'fs-native-extensions' {
  /** An exclusive (or, with `shared`, a shared) lock on an open file: false when another holds it. Released when the file is closed or the process exits. */
  export function tryLock(fd: number, opts?: { shared?: boolean }): boolean
}
