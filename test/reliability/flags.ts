import { parseArgs } from 'util'

/** Parsed flags of a reliability script: whole-number flags by name, the rest as given. */
export interface Flags {
  values: Record<string, string | boolean | undefined>
  /** A whole-number flag, or `fallback` when absent; exits 2 when it is not one. */
  count(name: string, fallback: number): number
  /** Print the problem and the usage, and exit 2. */
  fail(message: string): never
}

/**
 * Parse `--<name> <value>` flags plus `--json` and `--help` for a script called `prog`. Exits 2 on
 * an unknown or malformed flag; on `--help` prints the usage and exits 0.
 */
export function parseFlags(prog: string, usage: string, names: string[]): Flags {
  const fail = (message: string): never => {
    process.stderr.write(`${prog}: ${message}\n\n${usage}\n`)
    process.exit(2)
  }
  let values: Flags['values'] = {}
  try {
    const options: Record<string, { type: 'string' | 'boolean' }> = {
      json: { type: 'boolean' },
      help: { type: 'boolean' }
    }
    for (const name of names) options[name] = { type: 'string' }
    values = parseArgs({ options }).values as Flags['values']
  } catch (err) {
    fail((err as Error).message)
  }
  if (values.help === true) {
    process.stdout.write(usage + '\n')
    process.exit(0)
  }
  const count = (name: string, fallback: number): number => {
    const v = values[name]
    if (v === undefined) return fallback
    if (typeof v !== 'string' || !/^[0-9]{1,9}$/.test(v)) fail(`--${name} must be a whole number`)
    return Number(v)
  }
  return { values, count, fail }
}
