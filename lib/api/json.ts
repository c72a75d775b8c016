/** The JSON shape of a value: bigints become decimal strings, everything else stays as is. */
export type Jsonify<T> = T extends bigint
  ? string
  : T extends Array<infer U>
    ? Array<Jsonify<U>>
    : T extends object
      ? { [K in keyof T]: Jsonify<T[K]> }
      : T

/** Convert a value to its JSON shape (bigint amounts as decimal strings: they can exceed 2^53). */
export function toJson<T>(value: T): Jsonify<T> {
  return JSON.parse(stringify(value)) as Jsonify<T>
}

/** JSON.stringify that writes bigints as decimal strings. */
export function stringify(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    indent
  )
}
