// Holds a data directory until its stdin closes, as a short-lived command would while it runs.
//
//   node hold-dir.js <dir> command   the directory's lock file and its store, opened as `autoledger put` does with no daemon
//   node hold-dir.js <dir> store     only the store (RocksDB's own lock), without the lock file
//
// Prints `held <pid>` on stdout once it holds the directory.
import Corestore from 'corestore'
import { dataPaths, requireConfig } from '../../lib/datadir/config.js'
import { openLocal } from '../../lib/api/local.js'

const [dir, mode] = process.argv.slice(2)
const paths = dataPaths(dir)
let release: () => Promise<void>
if (mode === 'command') {
  const local = await openLocal(paths, { key: (await requireConfig(paths)).key })
  release = () => local.close()
} else if (mode === 'store') {
  const store = new Corestore(paths.store)
  await store.ready()
  release = () => store.close()
} else {
  throw new Error(`unknown mode ${mode}: command or store`)
}
process.stdout.write(`held ${process.pid}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  release().then(
    () => process.exit(0),
    () => process.exit(1)
  )
})
