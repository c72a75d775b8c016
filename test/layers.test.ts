import test from 'brittle'
import fs from 'fs'
import path from 'path'
import { fileURLToPath } from 'url'

/**
 * The folders of lib/, lowest first: a module may import from its own folder and from folders
 * before it, never from one after it. `(root)` is the shared modules at the root of lib/ (errors);
 * `index.ts` is the public facade, which nothing inside lib/ imports.
 */
const LAYERS = [
  'ledger',
  '(root)',
  'proof',
  'net',
  'node',
  'datadir',
  'api',
  'http',
  'daemon',
  'cli'
]
/** Declarations of the untyped packages: no imports to check. */
const SKIPPED = new Set(['types'])

const LIB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../lib')

test('lib/ depends one way: no module imports from a layer above its own, and no folder is left out', (t) => {
  const upward: string[] = []
  const unplaced = new Set<string>()
  for (const file of sources(LIB)) {
    const from = layerOf(file)
    if (from === null) continue
    if (!LAYERS.includes(from)) unplaced.add(from)
    for (const spec of relativeImports(fs.readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), spec)
      const to = layerOf(target)
      const name = path.relative(LIB, file)
      if (path.relative(LIB, target) === 'index.js')
        upward.push(`${name} imports the public facade index.ts`)
      else if (to !== null && LAYERS.indexOf(to) > LAYERS.indexOf(from))
        upward.push(`${name} (${from}) imports ${path.relative(LIB, target)} (${to})`)
    }
  }
  t.alike([...unplaced], [], 'every folder of lib/ has its place in LAYERS')
  t.alike(upward, [], 'no upward import')
})

test('the layer check sees imports (it would catch an upward one)', (t) => {
  const found = relativeImports(
    "import { x } from '../cli/main.js'\nimport type { Y } from './y.js'\nexport { z } from '../node/z.js'\nconst m = await import('../daemon/local.js')"
  )
  t.alike(found, ['../cli/main.js', './y.js', '../node/z.js', '../daemon/local.js'])
  t.is(layerOf(path.join(LIB, 'ledger', 'apply.ts')), 'ledger')
  t.is(layerOf(path.join(LIB, 'errors.ts')), '(root)')
  t.ok(LAYERS.indexOf('cli') > LAYERS.indexOf('ledger'))
})

function* sources(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) yield* sources(full)
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full
  }
}

/** The layer of a file of lib/, or null for the facade and the skipped folders. */
function layerOf(file: string): string | null {
  const parts = path.relative(LIB, file).split(path.sep)
  if (parts.length === 1) return /^index\.[jt]s$/.test(parts[0]) ? null : '(root)'
  return SKIPPED.has(parts[0]) ? null : parts[0]
}

function relativeImports(source: string): string[] {
  const specs: string[] = []
  for (const m of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)'(\.{1,2}\/[^']+)'/g))
    specs.push(m[1])
  return specs
}
