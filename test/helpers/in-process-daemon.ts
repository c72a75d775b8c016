import fs from 'fs/promises'
import type test from 'brittle'
import type { LedgerNode } from '../../lib/index.js'
import { ApiServer } from '../../lib/http/server.js'
import { LedgerApi } from '../../lib/api/operations.js'
import { dataPaths } from '../../lib/datadir/config.js'
import { DirLock } from '../../lib/datadir/lock.js'
import { announce, unannounce } from '../../lib/datadir/announce.js'

/**
 * Serve an in-process node as the daemon of a data directory: it holds the directory's lock,
 * serves the HTTP API (its token in the directory's token file) and announces itself in
 * daemon.json, so CLI commands on `dir` talk to it.
 * For nodes a test builds in ways the real daemon cannot (a different apply). Stopped when the test ends.
 */
export async function serveAsDaemon(t: test.Test, node: LedgerNode, dir: string): Promise<string> {
  const paths = dataPaths(dir)
  const lock = new DirLock(paths.lock, paths.dir)
  await lock.acquire()
  const token = 'in-process-daemon-token'
  await fs.writeFile(paths.token, token, { mode: 0o600 }) // for the CLI's routes that need it
  const server = new ApiServer({ api: new LedgerApi(node), token })
  const url = await server.listen()
  await announce(paths.announce, {
    pid: process.pid,
    url,
    key: node.key.toString('hex'),
    startedAt: new Date().toISOString()
  })
  t.teardown(
    async () => {
      await server.close()
      await unannounce(paths.announce)
      await lock.release()
    },
    { order: -1 }
  ) // before the node closes
  return url
}
