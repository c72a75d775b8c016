#!/usr/bin/env node
import { readFileSync } from 'fs'
import { parseCommand, usageError } from './command.js'
import { Output, EXIT_OK } from './output.js'
import { COMMANDS } from './commands/index.js'

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length + (c.args?.length ?? 0) + 1))
  return [
    'Usage: autoledger <command> [options]',
    '',
    'A peer-to-peer multi-writer ledger node.',
    '',
    'Commands:',
    ...COMMANDS.map(
      (c) =>
        `  ${`${c.name}${c.args === undefined ? '' : ' ' + c.args}`.padEnd(width)}  ${c.summary.replace(/\.\s+[A-Z(].*$/s, '.')}`
    ),
    '',
    'Every command takes --dir <path> (default ./autoledger-data, or $AUTOLEDGER_DIR), --help,',
    'and --json where it prints data. With a daemon (`autoledger run`) on the directory, commands',
    'go through its HTTP API; otherwise they open the store directly.',
    '',
    'Exit codes: 0 ok, 1 operational error (one line: code and what to do), 2 usage error.'
  ].join('\n')
}

function version(): string {
  const pkg = JSON.parse(
    readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')
  ) as { version: string }
  return pkg.version
}

async function main(argv: string[]): Promise<number> {
  const out = new Output(argv.includes('--json'))
  try {
    const [name, ...rest] = argv
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      const cmd = COMMANDS.find((c) => c.name === rest[0])
      if (cmd !== undefined) return main([cmd.name, '--help'])
      out.text(overview())
      return EXIT_OK
    }
    if (name === '--version' || name === '-V') {
      out.text(version())
      return EXIT_OK
    }
    const cmd = COMMANDS.find((c) => c.name === name)
    if (cmd === undefined) throw usageError(`unknown command "${name}"`)
    const ctx = parseCommand(cmd, rest)
    if (ctx === null) return EXIT_OK
    await cmd.run(ctx)
    return EXIT_OK
  } catch (err) {
    return out.error(err)
  }
}

/** Exit once stdout and stderr are flushed (a pipe may still be draining). */
async function exit(code: number): Promise<never> {
  await Promise.all(
    [process.stdout, process.stderr].map((s) => new Promise((resolve) => s.write('', resolve)))
  )
  process.exit(code)
}

void main(process.argv.slice(2)).then(exit)
