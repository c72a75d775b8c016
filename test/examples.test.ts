import test from 'brittle'
import { fileURLToPath } from 'url'
import { runProcess } from './helpers/process.js'
import { COMMAND_TIMEOUT_MS } from './helpers/timeouts.js'

/** Run a built example (this file runs from dist/test) and return its output lines. */
async function example(t: test.Test, name: string): Promise<string[]> {
  const file = fileURLToPath(new URL(`../examples/${name}.js`, import.meta.url))
  const { code, stdout, stderr } = await runProcess(process.execPath, [file], {
    timeout: COMMAND_TIMEOUT_MS
  })
  t.is(code, 0, `${name} exits 0 ${stderr}`)
  return stdout.trim().split('\n')
}

test('examples - prove-entry: the proof checks with the node gone, and one changed byte does not', async (t) => {
  const lines = await example(t, 'prove-entry')
  t.ok(/^entry 2 checks: put color = "blue", accepted, signed by/.test(lines[3]), lines[3])
  t.is(lines[4], 'one byte changed: PROOF_INVALID')
})

test('examples - two-nodes: both nodes end with the same final head', async (t) => {
  const lines = await example(t, 'two-nodes')
  t.ok(
    lines.some((l) => /^both final at length \d+, head .+: same ledger$/.test(l)),
    lines.join(' / ')
  )
})
