declare module 'brittle' {
  namespace test {
    interface Test {
      is(actual: unknown, expected: unknown, message?: string): void
      not(actual: unknown, expected: unknown, message?: string): void
      alike(actual: unknown, expected: unknown, message?: string): void
      unlike(actual: unknown, expected: unknown, message?: string): void
      ok(value: unknown, message?: string): void
      absent(value: unknown, message?: string): void
      pass(message?: string): void
      fail(message?: string): void
      exception(
        fn: Promise<unknown> | (() => unknown),
        expected?: RegExp | (new (...args: never[]) => Error),
        message?: string
      ): Promise<void>
      execution(fn: Promise<unknown> | (() => unknown), message?: string): Promise<void>
      teardown(fn: () => unknown | Promise<unknown>, opts?: { order?: number }): void
      comment(...args: unknown[]): void
      timeout(ms: number): void
      plan(n: number): void
    }
    type Fn = (t: Test) => void | Promise<void>
    function solo(name: string, fn: Fn): void
    function skip(name: string, fn: Fn): void
  }
  function test(name: string, fn: test.Fn): void
  function test(name: string, opts: { timeout?: number; skip?: boolean }, fn: test.Fn): void
  export = test
}
