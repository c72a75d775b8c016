import test from 'brittle'
import path from 'path'
import fs from 'fs/promises'
import { cli, cliJson } from './helpers/cli.js'
import { startBootstrap, startDaemon } from './helpers/daemon.js'
import { request } from './helpers/http.js'
import { tmpdir } from './helpers/temp.js'

test('invite cli - from two empty directories: init, run, invite on one, join --invite on the other, and it writes', async (t) => {
  const bootstrap = await startBootstrap(t)
  const root = await tmpdir(t)
  const [a, b, c] = ['a', 'b', 'c'].map((n) => path.join(root, n))
  const created = await cliJson<{ key: string }>(t, ['init', '--dir', a, '--bootstrap', bootstrap])
  // Made with no daemon running (the CLI opens the store itself): nobody answers it yet.
  const invite = await cliJson<{ code: string; id: string; uses: number }>(t, [
    'invite',
    '--dir',
    a
  ])
  t.is(invite.uses, 1)
  const early = await cli([
    'join',
    '--invite',
    invite.code,
    '--dir',
    b,
    '--bootstrap',
    bootstrap,
    '--timeout',
    '3000'
  ])
  t.ok(
    early.code === 1 && /INVITE_UNANSWERED/.test(early.stderr),
    `no admin online: ${early.stderr.trim()}`
  )
  t.absent(await exists(path.join(b, 'config.json')), 'and no ledger is left in the directory')

  const daemon = await startDaemon(t, a)
  const joined = await cli(['join', '--invite', invite.code, '--dir', b, '--bootstrap', bootstrap])
  t.is(joined.code, 0, `join --invite exits 0: ${joined.stderr}`)
  t.ok(joined.stdout.includes(created.key), 'it prints the ledger key it was let in to')
  t.ok(/join: asking the ledger's admins/.test(joined.stderr), 'it says what it waits for')

  const put = await cli(['put', 'from-b', '"hello"', '--dir', b, '--json'])
  t.is(put.code, 0, `the joined node writes at once: ${put.stderr}`)
  const status = await cliJson<{ writable: boolean; role: string }>(t, ['status', '--dir', b])
  t.ok(status.writable, 'status says writable')

  const entries = (await request(daemon.url + '/v1/entries')).json as {
    items: Array<{ tx: { type: string; invite?: string } | null }>
  }
  const add = entries.items.find((e) => e.tx?.type === 'add-writer')
  t.is(add?.tx?.invite, invite.id, 'the daemon added it by an add-writer naming the invite')

  const listed = await cli(['invites', '--dir', a, '--json'])
  t.alike(
    listed.lines.map((l) => (l as { used: number }).used),
    [1],
    'invites lists the invite, used once'
  )

  const again = await cli(['join', '--invite', invite.code, '--dir', c, '--bootstrap', bootstrap])
  t.is(again.code, 1, 'a second use fails')
  t.ok(/INVITE_USED/.test(again.stderr), `with INVITE_USED: ${again.stderr.trim()}`)
  t.absent(await exists(path.join(c, 'config.json')), 'and leaves no ledger in its directory')

  const second = await cliJson<{ code: string; id: string }>(t, [
    'invite',
    '--dir',
    a,
    '--expires',
    '1h'
  ])
  const revoked = await cliJson<{ revokedAt: number | null }>(t, [
    'invite',
    '--dir',
    a,
    '--revoke',
    second.id
  ])
  t.ok(revoked.revokedAt !== null, 'invite --revoke records the revocation')
  const late = await cli(['join', '--invite', second.code, '--dir', c, '--bootstrap', bootstrap])
  t.ok(
    late.code === 1 && /INVITE_REVOKED/.test(late.stderr),
    `a revoked invite: ${late.stderr.trim()}`
  )

  const typo = await cli(['join', '--invite', 'xyz', '--dir', c, '--bootstrap', bootstrap])
  t.ok(typo.code === 1 && /INVALID_INVITE/.test(typo.stderr), 'a mistyped code fails at once')
  const bad = await cli(['invite', '--dir', a, '--expires', 'soon'])
  t.is(bad.code, 2, 'a bad --expires is a usage error')
  const badBody = await request(daemon.url + '/v1/invites', {
    method: 'POST',
    token: daemon.token,
    body: JSON.stringify({ uses: 'many' })
  })
  t.is(badBody.json?.code, 'INVALID_ARGUMENT', 'POST /v1/invites checks its body')
  const noToken = await request(daemon.url + '/v1/invites', { method: 'POST', body: '{}' })
  t.is(noToken.status, 401, 'creating an invite needs the token')
})

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false
  )
}

test('invite cli - a private ledger: join --invite saves the key it is handed as a 0600 secret file, and the node reads', async (t) => {
  const bootstrap = await startBootstrap(t)
  const root = await tmpdir(t)
  const [a, b] = ['a', 'b'].map((n) => path.join(root, n))
  await cliJson(t, ['init', '--private', '--dir', a, '--bootstrap', bootstrap])
  await startDaemon(t, a)
  await cliJson(t, ['put', 'note', '"for members"', '--dir', a])
  const invite = await cliJson<{ code: string }>(t, ['invite', '--dir', a])
  const joined = await cliJson<{ private: boolean }>(t, [
    'join',
    '--invite',
    invite.code,
    '--dir',
    b,
    '--bootstrap',
    bootstrap
  ])
  t.ok(joined.private, 'join says the ledger is private')
  const [mine, theirs] = await Promise.all([a, b].map((d) => fs.readFile(path.join(d, 'secret'))))
  t.alike(theirs, mine, 'the joined node holds the same key')
  t.is(
    (await fs.stat(path.join(b, 'secret'))).mode & 0o777,
    0o600,
    'in a file only its owner reads'
  )
  const record = await cliJson<{ value: unknown }>(t, ['get', 'note', '--dir', b])
  t.is(record.value, 'for members', 'it reads the ledger')
})
