import test from 'brittle'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import { cliJson, spawnCli } from './helpers/cli.js'
import type { Spawned } from './helpers/cli.js'
import { until } from './helpers/wait.js'
import { request } from './helpers/http.js'

/** The entry lines `watch --json` printed so far (not its reorder lines). */
function printed(watch: Spawned): Array<{ position: number; hash: string }> {
  return watch.stdoutLines
    .map((l) => JSON.parse(l) as { position?: number; hash: string })
    .filter((l): l is { position: number; hash: string } => l.position !== undefined)
}

test('watch - prints entries as they arrive, and across a daemon restart (a new port) goes on after the last one it printed', async (t) => {
  const dir = await ledgerDir(t)
  const first = await startDaemon(t, dir)
  await cliJson(t, ['put', '--dir', dir, 'before', '1'])
  const watch = spawnCli(t, ['watch', '--json', '--from', '0', '--dir', dir])
  await watch.line((l) => l === 'watching', { stream: 'stderr' })
  await cliJson(t, ['put', '--dir', dir, 'live', '2'])
  await until(async () => printed(watch).length === 3 || null, 'three entries printed')

  await first.proc.stop()
  await watch.line((l) => l.startsWith('disconnected'), { stream: 'stderr' })
  await cliJson(t, ['put', '--dir', dir, 'offline', '3']) // no daemon: the command writes to the store
  const second = await startDaemon(t, dir)
  t.not(second.url, first.url, 'the daemon came back on another port')
  await cliJson(t, ['put', '--dir', dir, 'after', '4'])
  await until(async () => printed(watch).length === 5 || null, 'five entries printed')

  const { json: page } = await request(second.url + '/v1/entries')
  t.alike(
    printed(watch).map((e) => e.position),
    [0, 1, 2, 3, 4],
    'every position once, in order'
  )
  t.alike(
    printed(watch).map((e) => e.hash),
    page.items.map((e: { hash: string }) => e.hash),
    'the entries of the ledger'
  )
})
