/**
 * Plain autobase, no project code: the reproduction of a crash that made autobase apply a block
 * twice. `loop` appends labelled blocks one at a time, each applied to a hypercore view, printing a
 * line after each, until it is killed; `once` appends one and closes; `check` prints the local
 * length, the view length and the view's values as JSON.
 */
import Corestore from 'corestore'
import Autobase from 'autobase'
import type Hypercore from 'hypercore'

const [dir, mode, label = 'block'] = process.argv.slice(2)

const store = new Corestore(dir)
const base = new Autobase<Hypercore>(store, null, {
  open: (s) => s.get('log'),
  apply: async (nodes, view) => {
    for (const node of nodes) if (node.value !== null) await view.append(node.value)
  }
})
await base.ready()

if (mode === 'check') {
  await base.update()
  const values: string[] = []
  for (let i = 0; i < base.view.length; i++)
    values.push(((await base.view.get(i)) as Buffer).toString())
  process.stdout.write(
    JSON.stringify({ local: base.local.length, view: base.view.length, values }) + '\n'
  )
} else {
  for (let n = 0; mode === 'loop' || n === 0; n++) {
    await base.append(Buffer.from(`${label}-${n}`))
    while (base.view.length < base.local.length) await base.update()
    process.stdout.write(`appended ${n}\n`)
  }
}
await base.close()
