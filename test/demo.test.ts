import test from 'brittle'
import fs from 'fs/promises'
import { tmpdir } from './helpers/temp.js'
import { cli, spawnCli } from './helpers/cli.js'

interface Row {
  node: string
  role: string
  written: number
  rejected: number
  finalLength: number
  finalHead: string
  dir: string
}

test('demo - three node processes agree on one final head, and the demo cleans up after itself', async (t) => {
  const temp = await tmpdir(t)
  const started = Date.now()
  const r = await cli(['demo', '--json'], { env: { TMPDIR: temp }, timeout: 90_000 })
  const elapsed = Date.now() - started
  t.is(r.code, 0, `exits 0 ${r.code === 0 ? '' : r.stderr}`)
  t.comment(`demo took ${elapsed} ms`)
  t.ok(elapsed < 60_000, 'finishes within a minute')
  const rows = r.lines as Row[]
  t.is(rows.length, 3, 'one summary row per node')
  if (rows.length !== 3) return // what follows reads the rows: a failed demo must not stop the other test files
  t.alike(
    rows.map((x) => x.node),
    ['a', 'b', 'c']
  )
  t.alike(
    rows.map((x) => x.role),
    ['admin, indexer', 'writer, indexer', 'writer']
  )
  t.ok(
    rows.every((x) => x.finalHead === rows[0].finalHead && /^[0-9a-f]{64}$/.test(x.finalHead)),
    'the same final head hash everywhere'
  )
  t.ok(
    rows.every((x) => x.finalLength === rows[0].finalLength),
    'at the same final length'
  )
  t.is(
    rows.reduce((sum, x) => sum + x.written, 0),
    rows[0].finalLength,
    'every entry has an author'
  )
  t.ok(
    rows.every((x) => x.rejected === 3),
    'each node had its three bad transactions rejected'
  )
  t.alike(await fs.readdir(temp), [], 'its temporary data is removed')
})

test('demo - --keep leaves the network running until Ctrl-C', async (t) => {
  const temp = await tmpdir(t)
  const demo = spawnCli(t, ['demo', '--keep', '--dir', temp], { ipc: false })
  const table = await demo.line((l) => l.startsWith('all 3 nodes agree'), { timeout: 60_000 })
  t.ok(table.length > 0, 'the demo finished its run')
  await demo.line((l) => l.includes('Press Ctrl-C'), { stream: 'stderr' })
  t.ok(
    demo.stderrLines.some((l) => l.includes('status --dir')),
    'prints how to talk to the nodes'
  )

  const put = await cli(['put', 'after', '"the demo"', '--dir', `${temp}/c`, '--json'])
  t.is(put.code, 0, 'a node of the kept network takes writes')
  const status = await cli(['status', '--dir', `${temp}/a`, '--json'])
  t.is((status.lines[0] as { peers: number }).peers, 2, 'and is still connected to both others')

  t.is(await demo.stop('SIGINT'), 0, 'Ctrl-C stops it cleanly')
  t.ok((await fs.readdir(temp)).length === 3, 'data given with --dir is kept')
})
