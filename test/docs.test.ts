import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'
import { ERROR_CODES, REJECT_REASONS, httpStatusOf } from '../lib/index.js'

const README = fs.readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../README.md'),
  'utf8'
)

/** The text of a README section, from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`)
  if (start < 0) throw new Error(`README has no "${heading}" section`)
  const level = heading.split(' ')[0]
  const rest = README.slice(start + heading.length + 2)
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `))
  return end < 0 ? rest : rest.slice(0, end)
}

test('README: the HTTP error table gives every code the status the server replies with', (t) => {
  const rows = section('### Errors')
    .split('\n')
    .filter((line) => /^\| \d{3} \|/.test(line))
  const documented = new Map<string, number>()
  for (const row of rows) {
    const [, status, codes] = row.split('|').map((cell) => cell.trim())
    for (const [, code] of codes.matchAll(/`([A-Z_]+)`/g)) documented.set(code, Number(status))
  }
  t.ok(documented.size >= 15, `the table was read (${documented.size} codes)`)
  const wrong = [...documented]
    .filter(([code, status]) => httpStatusOf(code) !== status)
    .map(([code, status]) => `${code}: README ${status}, server ${httpStatusOf(code)}`)
  t.alike(wrong, [], 'statuses match the code table')
  const missing = ERROR_CODES.filter(
    (code) => httpStatusOf(code) !== 500 && !documented.has(code) && code !== 'USAGE'
  )
  t.alike(missing, [], 'every code with its own status is in the table')
})

test('README: every error code and rejection code is documented', (t) => {
  const undocumented = [...ERROR_CODES, ...REJECT_REASONS].filter(
    (code) => !README.includes(`\`${code}\``)
  )
  t.alike(undocumented, [], 'each code appears in the README')
})
