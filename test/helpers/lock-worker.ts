// Tries to take a directory lock once, as every process that opens a data directory does, and
// keeps whatever it got until its stdin closes (then releases it), or until it is killed.
//
//   node lock-worker.js <lock-file> <dir> <start-at-ms>
//
// Busy-waits until <start-at-ms> (so that several workers try at the same moment), then prints
// `held <pid>` or `locked <pid>` on stdout.
import { DirLock } from '../../lib/datadir/lock.js'

const [file, dir, startAt] = process.argv.slice(2)
const lock = new DirLock(file, dir)
while (Date.now() < Number(startAt)) {
  /* spin: a timer would add its own jitter */
}
const held = await lock.acquire().then(
  () => true,
  () => false
)
process.stdout.write(`${held ? 'held' : 'locked'} ${process.pid}\n`)
process.stdin.resume()
process.stdin.on('end', () => {
  lock.release().then(
    () => process.exit(0),
    () => process.exit(1)
  )
})
