import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

/** docs/format.md (this file runs from dist/test/helpers). */
export const FORMAT = fs.readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/format.md'),
  'utf8'
)

/** The `label = hex` lines of each ```vector <name>``` block of docs/format.md. */
export function vectors(name: string): Array<{ label: string; hex: string }> {
  const block = new RegExp('```vector ' + name + '\\n([\\s\\S]*?)```').exec(FORMAT)
  if (block === null) throw new Error(`docs/format.md has no "${name}" vectors`)
  return block[1]
    .trim()
    .split('\n')
    .map((line) => {
      const at = line.lastIndexOf(' = ')
      return { label: line.slice(0, at), hex: line.slice(at + 3).replace(/\s+/g, '') }
    })
}
