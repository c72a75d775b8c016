import { parseArgs } from 'util'
import { LedgerError } from '../errors.js'
import { resolveDir } from '../datadir/config.js'
import { Output } from './output.js'
import { ID_BYTES, parseId, parseTxId, toHex } from '../ledger/ids.js'
import type { IdKind } from '../ledger/ids.js'

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** Shown in --help, e.g. `<host:port>`. */
  value?: string
  description: string
}

export interface CommandContext {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
  out: Output
  /** The data directory (absolute): --dir, else AUTOLEDGER_DIR, else ./autoledger-data. */
  dir: string
}

export interface Command {
  name: string
  /** One line for the command list. */
  summary: string
  /** Positional arguments as shown in usage, e.g. `<key> <value>`. */
  args?: string
  /** How many positionals: [min, max]. Default [0, 0]. */
  arity?: [number, number]
  options?: Record<string, OptionSpec>
  /** More help text, shown after the usage line. */
  details?: string[]
  /** Does the command print data (and so take --json)? Default true. */
  data?: boolean
  /** Does the command use a data directory (--dir)? Default true. */
  usesDir?: boolean
  run(ctx: CommandContext): Promise<void>
}

export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  dir: {
    type: 'string',
    short: 'd',
    value: '<path>',
    description: 'data directory (default ./autoledger-data, or $AUTOLEDGER_DIR)'
  },
  json: { type: 'boolean', description: 'print newline-delimited JSON on stdout' },
  help: { type: 'boolean', short: 'h', description: 'show this help' }
}

export function usageError(message: string): LedgerError {
  return new LedgerError('USAGE', message)
}

/** Parse a command's arguments; throws USAGE naming what is wrong. Returns null after printing --help. */
export function parseCommand(cmd: Command, argv: string[]): CommandContext | null {
  const specs = allOptions(cmd)
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(specs).map(([name, s]) => [
          name,
          s.short === undefined ? { type: s.type } : { type: s.type, short: s.short }
        ])
      )
    })
  } catch (err) {
    throw usageError(
      `${(err as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`
    )
  }
  const values = parsed.values as Record<string, string | boolean | undefined>
  const out = new Output(values.json === true)
  if (values.help === true) {
    out.text(help(cmd))
    return null
  }
  const [min, max] = cmd.arity ?? [0, 0]
  if (parsed.positionals.length < min)
    throw usageError(`missing argument: autoledger ${cmd.name} ${cmd.args ?? ''}`.trim())
  if (parsed.positionals.length > max)
    throw usageError(
      `unexpected argument "${parsed.positionals[max]}": autoledger ${cmd.name} ${cmd.args ?? ''}`.trim()
    )
  return {
    values,
    positionals: parsed.positionals,
    out,
    dir: resolveDir(values.dir as string | undefined)
  }
}

function allOptions(cmd: Command): Record<string, OptionSpec> {
  const common: Record<string, OptionSpec> = { ...COMMON_OPTIONS }
  if (cmd.data === false) delete common.json
  if (cmd.usesDir === false) delete common.dir
  for (const name of Object.keys(cmd.options ?? {})) delete common[name] // a command may describe a common flag its own way
  return { ...cmd.options, ...common }
}

export function help(cmd: Command): string {
  const lines = [
    `Usage: autoledger ${cmd.name}${cmd.args === undefined ? '' : ' ' + cmd.args} [options]`,
    '',
    cmd.summary
  ]
  if (cmd.details !== undefined) lines.push('', ...cmd.details)
  lines.push('', 'Options:')
  const rows = Object.entries(allOptions(cmd)).map(([name, s]) => [
    `--${name}${s.short === undefined ? '' : `, -${s.short}`}${s.value === undefined ? '' : ' ' + s.value}`,
    s.description
  ])
  const width = Math.max(...rows.map((r) => r[0].length))
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`)
  return lines.join('\n')
}

/** A string option, or undefined. */
export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name]
  return typeof v === 'string' ? v : undefined
}

/** A whole-number option, or undefined; USAGE if it is not one. */
export function int(ctx: CommandContext, name: string): number | undefined {
  const v = str(ctx, name)
  return v === undefined ? undefined : wholeNumber(v, `--${name}`)
}

/** A whole-number argument (`what` names it in the error); USAGE if it is not one. */
export function wholeNumber(text: string, what: string): number {
  if (!/^[0-9]{1,15}$/.test(text)) throw usageError(`${what} must be a whole number, got "${text}"`)
  return Number(text)
}

/** A key argument in hex (ledger, writer or swarm key), named `what` in the error; USAGE if it is not one. Returns lowercase hex. */
export function hexKey(text: string, kind: Exclude<IdKind, 'tx id'>, what: string = kind): string {
  const key = parseId(kind, text)
  if (key === null)
    throw usageError(`${what} must be ${ID_BYTES[kind] * 2} hex characters, got ${quote(text)}`)
  return toHex(key)
}

/** A positive whole amount as a decimal string; USAGE if it is not one. */
export function amountArg(text: string): string {
  if (!/^[0-9]{1,40}$/.test(text) || /^0+$/.test(text))
    throw usageError(`amount must be a positive whole number, got "${text}"`)
  return text.replace(/^0+/, '')
}

/** The most entries a page may hold. */
export const MAX_PAGE_LIMIT = 1000

/** --limit, checked: a page size from 1 to MAX_PAGE_LIMIT, or undefined; USAGE otherwise. */
export function pageLimit(ctx: CommandContext): number | undefined {
  const limit = int(ctx, 'limit')
  if (limit !== undefined && (limit < 1 || limit > MAX_PAGE_LIMIT))
    throw usageError(`--limit must be from 1 to ${MAX_PAGE_LIMIT}, got ${limit}`)
  return limit
}

/** --at: read the state as of a past ledger position. */
export const AT_OPTION: Record<string, OptionSpec> = {
  at: {
    type: 'string',
    value: '<position>',
    description: 'as of this ledger position: the state after its first <position> entries'
  }
}

/** How an answer as of a past position says which one, and whether it can still change. */
export function asOfNote(at: number, final: boolean): string {
  return `as of position ${at}, ${final ? 'final' : 'not final yet'}`
}

/** A transaction id argument in hex; USAGE if it is not one. Returns lowercase hex. */
export function txId(text: string): string {
  const id = parseTxId(text)
  if (id === null)
    throw usageError(
      `a transaction id is ${ID_BYTES['tx id'] * 2} hex characters, got ${quote(text)}`
    )
  return toHex(id)
}

/** An argument quoted in an error, cut to 80 characters. */
function quote(text: string): string {
  return `"${text.length > 80 ? text.slice(0, 77) + '...' : text}"`
}
