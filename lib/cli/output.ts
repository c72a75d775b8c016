import path from 'path'
import { stringify } from '../api/json.js'
import type { EntryJson, SubmitResult } from '../api/operations.js'
import { LedgerError, codeOf, messageOf, oneLine, exitStatusOf } from '../errors.js'

/** Success; a failure exits with the status its code has in ERRORS (2 for USAGE, else 1). */
export const EXIT_OK = 0

/** The second line of a usage error. */
export const USAGE_HINT = 'Run `autoledger --help` (or `autoledger <command> --help`) for usage.'

/**
 * Everything a command prints. Data goes to stdout: human text, or with --json one JSON object
 * per line. Notes, hints and errors go to stderr, so `--json` output stays machine-readable.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WritableStream = process.stdout,
    private readonly stderr: NodeJS.WritableStream = process.stderr
  ) {}

  /** One datum: its JSON line, or the human text. */
  item(value: unknown, human: string | (() => string)): void {
    if (this.json) this.stdout.write(stringify(value) + '\n')
    else this.stdout.write((typeof human === 'string' ? human : human()) + '\n')
  }

  /** Human text on stdout (help, tables); nothing in --json mode unless `always`. */
  text(text: string, always = true): void {
    if (!this.json || always) this.stdout.write(text + '\n')
  }

  /** A note for people, on stderr. */
  note(text: string): void {
    this.stderr.write(text + '\n')
  }

  /** Aligned columns. */
  table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
    return rows
      .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '))
      .join('\n')
  }

  /** Print a submit's outcome; throws REJECTED when the ledger recorded a rejection. */
  submitted(result: SubmitResult): void {
    for (const { id, entry } of result.transactions) {
      this.item({ id, entry }, () =>
        entry === null
          ? `submitted ${id}: not applied yet (check later with \`autoledger tx ${id}\`)`
          : `${entry.outcome}${entry.reason === null ? '' : ` (${entry.reason})`}  position ${entry.position}  ${entry.final ? 'final' : 'not final yet'}  id ${id}`
      )
    }
    const rejected = result.transactions.find((t) => t.entry?.outcome === 'rejected')
    if (rejected?.entry != null) {
      const e = rejected.entry
      throw new LedgerError(
        'REJECTED',
        `${e.tx?.type ?? 'transaction'} at position ${e.position} was rejected: ${e.reason ?? 'unknown reason'}${hint(e.reason)}`
      )
    }
  }

  /** The one-line error report; returns the exit code. */
  error(err: unknown): number {
    const code = codeOf(err)
    if (code === 'USAGE') {
      this.stderr.write(`autoledger: ${oneLine(messageOf(err))}\n${USAGE_HINT}\n`)
    } else {
      const message = oneLine(messageOf(err))
      this.stderr.write(
        `autoledger: ${code}: ${message}${code === 'INTERNAL' ? ' (this is a bug: please report it)' : hint(code)}\n`
      )
    }
    return exitStatusOf(code)
  }
}

const HINTS: Record<string, string> = {
  INSUFFICIENT_FUNDS: 'the account holds less than that',
  NOT_OWNER:
    "only the account's owner may spend from it (a writer owns the account named by its writer key)",
  NOT_AUTHORIZED: 'this needs the admin role',
  NOT_A_MEMBER: "ask an admin to add this node's writer key",
  ACCOUNT_NOT_FOUND: 'create a named account first with `autoledger open-account <name>`',
  ACCOUNT_EXISTS: 'pick another name',
  INVALID_ACCOUNT:
    'account names are 1-64 of a-z 0-9 . _ - (starting with a letter or digit), or a 64-hex writer key',
  ALREADY_MEMBER: 'see `autoledger members`',
  UNKNOWN_MEMBER: 'see `autoledger members`',
  LAST_INDEXER: 'add another indexer first',
  LAST_ADMIN: 'add another admin first',
  DUPLICATE_ID: 'every transaction needs a new id',
  NOT_FOUND: '',
  ROUTE_NOT_FOUND: ''
}

function hint(code: string | null): string {
  if (code === null) return ''
  const text = HINTS[code]
  return text === undefined || text.length === 0 ? '' : ` (${text})`
}

/** A short one-line description of an entry's transaction. */
export function describe(e: EntryJson): string {
  const tx = e.tx
  if (tx === null) return '(undecodable)'
  switch (tx.type) {
    case 'put':
      return `put ${tx.key} = ${clip(JSON.stringify(tx.value))}`
    case 'del':
      return `del ${tx.key}`
    case 'open-account':
      return `open-account ${tx.account}`
    case 'mint':
      return `mint ${tx.amount} -> ${short(tx.account)}`
    case 'transfer':
      return `transfer ${tx.amount} ${short(tx.from)} -> ${short(tx.to)}${tx.memo.length > 0 ? ` "${clip(tx.memo)}"` : ''}`
    case 'add-writer':
      return `add-writer ${short(tx.key)} ${tx.role}${tx.indexer ? ' indexer' : ''}${tx.invite === null ? '' : ` by invite ${short(tx.invite)}`}`
    case 'remove-writer':
      return `remove-writer ${short(tx.key)}`
    case 'set-version':
      return `set-version ${tx.format}`
    case 'add-owner':
      return `add-owner ${tx.account} ${short(tx.key)}`
    case 'add-invite':
      return `add-invite ${short(tx.invite)} ${tx.role}${tx.indexer ? ' indexer' : ''} x${tx.uses}`
    case 'revoke-invite':
      return `revoke-invite ${short(tx.invite)}`
  }
}

/** One line per entry: position, outcome, what, author. */
export function entryRows(entries: EntryJson[]): string[][] {
  return entries.map((e) => [
    String(e.position),
    e.outcome === 'accepted' ? 'accepted' : `rejected ${e.reason ?? ''}`.trim(),
    e.final ? 'final' : 'pending',
    describe(e),
    `by ${short(e.writer)}`
  ])
}

/** A data directory for people: relative to the working directory when inside it, else absolute. */
export function displayDir(dir: string): string {
  const rel = path.relative(process.cwd(), dir)
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel
}

/** First 8 hex characters of a 64-hex key; other names unchanged. */
export function short(s: string): string {
  return /^[0-9a-f]{64}$/.test(s) ? s.slice(0, 8) : s
}

function clip(s: string, max = 60): string {
  return s.length > max ? s.slice(0, max - 3) + '...' : s
}
