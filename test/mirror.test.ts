import test from 'brittle'
import http from 'http'
import path from 'path'
import b4a from 'b4a'
import fs from 'fs/promises'
import { cli, cliJson } from './helpers/cli.js'
import { startBootstrap, startDaemon } from './helpers/daemon.js'
import { request } from './helpers/http.js'
import { tmpdir } from './helpers/temp.js'
import { until } from './helpers/wait.js'
import { CONVERGE_TIMEOUT_MS } from './helpers/timeouts.js'
import { EventParser } from '../lib/http/event-client.js'
import type { StreamEvent } from '../lib/http/event-client.js'
import { verifyEntryProof } from '../lib/proof/verify.js'
import { codeOf, exitStatusOf, httpStatusOf } from '../lib/errors.js'
import { dataPaths, readConfig } from '../lib/datadir/config.js'

interface StatusJson {
  mode: string
  writable: boolean
  length: number
  head: string
  finalLength: number
  finalHead: string
  members: Array<{ key: string }>
  writerKey: string
}

/** An event stream from `url`: the events as they arrive, and a close. */
function openEvents(url: string): Promise<{ events: StreamEvent[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, (res) => {
      const parser = new EventParser()
      const events: StreamEvent[] = []
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => events.push(...parser.push(chunk)))
      res.on('error', () => {})
      resolve({ events, close: () => req.destroy() })
    })
    req.on('error', reject)
  })
}

function entryPositions(events: StreamEvent[]): number[] {
  return events
    .filter((e) => e.event === 'entry')
    .map((e) => (JSON.parse(e.data) as { position: number }).position)
}

test('mirror - a read-only mirror daemon follows a writer daemon over the swarm: same head, reads, proofs, verify, events; writes refused', async (t) => {
  const bootstrap = await startBootstrap(t)
  const root = await tmpdir(t)
  const a = path.join(root, 'writer')
  const m = path.join(root, 'mirror')
  const { key } = await cliJson<{ key: string }>(t, ['init', '--dir', a, '--bootstrap', bootstrap])
  const writer = await startDaemon(t, a)
  for (let i = 0; i < 5; i++) await cliJson(t, ['put', `k${i}`, String(i), '--dir', a])

  const joined = await cli(['join', key, '--mirror', '--dir', m, '--bootstrap', bootstrap])
  t.is(joined.code, 0, joined.stderr)
  t.ok(/^mode\s+read-only mirror$/m.test(joined.stdout), 'join says it is a mirror')
  t.absent(/writer key/.test(joined.stdout), 'no writer key printed')
  t.absent(/add-writer/.test(joined.stderr), 'no hint to ask an admin')

  const mirror = await startDaemon(t, m)
  t.is(mirror.ready.writable, false)
  const status = async (dir: string): Promise<StatusJson> =>
    (await cliJson<StatusJson>(t, ['status', '--dir', dir])) as StatusJson
  const [sa, sm] = await until(
    async () => {
      const both = await Promise.all([status(a), status(m)])
      const [x, y] = both
      return x.length === 6 && x.finalHead === y.finalHead && x.finalLength === y.finalLength
        ? both
        : null
    },
    'the mirror to reach the writer head',
    CONVERGE_TIMEOUT_MS
  )
  t.is(sm.head, sa.head, 'same head hash')
  t.is(sm.mode, 'mirror', 'status says mirror')
  t.is(sa.mode, 'writer')
  t.absent(
    sm.members.some((x) => x.key === sm.writerKey),
    'the mirror is not in members'
  )
  const human = await cli(['status', '--dir', m])
  t.ok(/^mode\s+read-only mirror$/m.test(human.stdout), 'human status says mirror')

  const record = await request(`${mirror.url}/v1/records/k3`)
  t.is(record.status, 200, 'GET a record from the mirror')
  t.is(record.json.value, 3)
  const proof = await request(`${mirror.url}/v1/entries/4/proof`)
  t.is(proof.status, 200, 'an entry proof from the mirror')
  t.is(
    verifyEntryProof(b4a.from(key, 'hex'), b4a.from(proof.json.proof, 'hex')).position,
    4,
    'the proof verifies against the ledger key'
  )
  const verified = await request(`${mirror.url}/v1/verify`, {
    method: 'POST',
    token: mirror.token,
    body: '{}'
  })
  t.is(verified.json.result, 'identical', 'verify passes on the mirror')

  const stream = await openEvents(`${mirror.url}/v1/events?from=0`)
  t.teardown(() => stream.close())
  await cliJson(t, ['put', 'live', '1', '--dir', a])
  await until(
    async () => (entryPositions(stream.events).includes(6) ? true : null),
    'the live entry on the mirror event stream'
  )
  t.alike(entryPositions(stream.events), [0, 1, 2, 3, 4, 5, 6], 'replayed, then the live entry')

  const refused = await request(`${mirror.url}/v1/transactions`, {
    method: 'POST',
    token: mirror.token,
    body: JSON.stringify({ type: 'put', key: 'x', value: 1 })
  })
  t.is(refused.status, httpStatusOf('READ_ONLY_MIRROR'), 'HTTP write: refused')
  t.is(refused.json.code, 'READ_ONLY_MIRROR')
  const put = await cli(['put', 'x', '1', '--dir', m])
  t.is(put.code, exitStatusOf('READ_ONLY_MIRROR'), 'CLI write: refused')
  t.ok(/^autoledger: READ_ONLY_MIRROR: /.test(put.stderr), put.stderr.trim())
  t.is(put.stderr.trim().split('\n').length, 1, 'one line')

  await writer.proc.stop()
  await mirror.proc.stop()
  const offline = await cli(['put', 'x', '1', '--dir', m])
  t.is(offline.code, exitStatusOf('READ_ONLY_MIRROR'), 'without the daemon too')
})

test('mirror - config.json: an older one without "mirror" and "allow" reads as a writer open to any peer; a bad "allow" is refused', async (t) => {
  const paths = dataPaths(await tmpdir(t))
  const older = { version: 1, key: 'ab'.repeat(32), bootstrap: null, blocked: [] }
  await fs.writeFile(paths.config, JSON.stringify(older))
  const config = await readConfig(paths)
  t.is(config?.mirror, false)
  t.is(config?.allow, null)
  await fs.writeFile(paths.config, JSON.stringify({ ...older, allow: ['not a key'] }))
  t.is(await readConfig(paths).then(() => 'read', codeOf), 'BAD_CONFIG')
})
