import test from 'brittle'
import { spawn } from 'child_process'
import { fileURLToPath } from 'url'
import readline from 'readline'
import { Random, testSeed } from './helpers/random.js'
import { tmpdir } from './helpers/temp.js'
import { runProcess } from './helpers/process.js'
import { STEP_TIMEOUT_MS } from './helpers/timeouts.js'

const WORKER = fileURLToPath(new URL('./helpers/autobase-crash-worker.js', import.meta.url))
const KILLS = 20
/** About one append-and-apply round here (ms): a kill lands at a random point within one. */
const APPEND_MS = 8

// Unpatched autobase 7.28.1 failed this in every run of 20 kills tried (6-8 blocks applied twice):
// an indexer flushed its views before the boot record and update list that say what they hold.
test(
  'autobase - a SIGKILL at any moment of append and apply never applies a block twice',
  { timeout: 180_000 },
  async (t) => {
    const rnd = new Random(testSeed(t))
    const dir = await tmpdir(t, 'autobase')

    for (let k = 0; k < KILLS; k++)
      await appendUntilKilled(dir, `p${k}`, 1 + rnd.int(40), rnd.next() * APPEND_MS)
    t.is((await run(dir, 'once', 'last')).code, 0, 'a clean run after the kills appends and closes')

    const checked = await run(dir, 'check')
    const { local, view, values } = JSON.parse(checked.stdout) as {
      local: number
      view: number
      values: string[]
    }
    t.ok(local > KILLS, `${local} blocks appended`)
    t.is(view, local, 'the view holds one entry per block of the writer log')
    const twice = values.filter((v, i) => values.indexOf(v) !== i)
    t.alike(twice, [], 'no block applied twice')
  }
)

/** Start a looping writer and SIGKILL it `delayMs` after it has reported `appends` applied blocks. */
async function appendUntilKilled(
  dir: string,
  label: string,
  appends: number,
  delayMs: number
): Promise<void> {
  const child = spawn(process.execPath, [WORKER, dir, 'loop', label], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  let seen = 0
  const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS)
  readline.createInterface({ input: child.stdout }).on('line', () => {
    if (++seen === appends) setTimeout(() => child.kill('SIGKILL'), delayMs)
  })
  await exited
  clearTimeout(timer)
  if (child.signalCode !== 'SIGKILL')
    throw new Error(`the writer exited by itself (code ${child.exitCode})`)
}

async function run(
  dir: string,
  mode: string,
  label?: string
): Promise<{ code: number | null; stdout: string }> {
  return runProcess(
    process.execPath,
    [WORKER, dir, mode, ...(label === undefined ? [] : [label])],
    { timeout: STEP_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'inherit'] }
  )
}
