import test from 'brittle'
import c from 'compact-encoding'
import BlindPairing from 'blind-pairing'
import { LedgerNode, LedgerError, newEncryptionKey } from '../lib/index.js'
import type { LedgerNodeOptions } from '../lib/index.js'
import { encodeInviteCode, decodeInviteCode } from '../lib/node/invite-code.js'
import { pairWithInvite } from '../lib/node/invites.js'
import { converged, createNode, TEST_ACK_INTERVAL_MS } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { loopbackTestnet, LOOPBACK } from './helpers/loopback.js'

type Network = NonNullable<Exclude<LedgerNodeOptions['network'], false>> & { bootstrap: unknown }

async function join(
  t: test.Test,
  code: string,
  network: Network,
  timeout = 30_000
): Promise<LedgerNode> {
  const node = await LedgerNode.join(code, {
    storage: await tmpdir(t),
    network: network as never,
    ackInterval: TEST_ACK_INTERVAL_MS,
    timeout
  })
  t.teardown(() => node.close())
  return node
}

async function refusal(
  t: test.Test,
  code: string,
  network: Network,
  timeout = 30_000
): Promise<string> {
  const err = await join(t, code, network, timeout).catch((e: unknown) => e)
  return err instanceof LedgerError ? err.code : `not refused: ${String(err)}`
}

test('invite - a node joins by an invite code and is a writer, by an add-writer naming the invite', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const admin = await createNode(t, { network })
  const invite = await admin.createInvite()
  t.is(invite.uses, 1)
  t.is(invite.used, 0)
  t.ok(invite.expires !== null && invite.expires > Date.now(), 'expires by default')
  t.ok(/^[a-z0-9]+$/.test(invite.code), 'the code is one z-base-32 word')

  const b = await join(t, invite.code, network)
  t.ok(b.writable, 'the joined node is a writer')
  t.alike(b.key, admin.key)
  const receipt = await b.submit({ type: 'put', key: 'hello', value: 'from b' })
  await admin.waitForTransaction(receipt.id, { author: b.writerKey })
  await converged([admin, b])
  const adds = (await admin.entries()).items.filter((e) => e.tx?.type === 'add-writer')
  t.is(adds.length, 1)
  const add = adds[0].tx as { invite: string | null; key: string; role: string }
  t.is(add.invite, invite.id, 'the add-writer names the invite')
  t.is(add.key, b.writerKey.toString('hex'))
  t.is(add.role, 'writer')
  t.is((await admin.invite(invite.id))?.used, 1, 'the invite counts its use')
  t.is((await b.invite(invite.code))?.used, 1, 'an invite can be looked up by its code too')
})

test('invite - used, revoked, expired, forged and mistyped invites are refused on the joining side and change nothing', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const admin = await createNode(t, { network })
  const used = await admin.createInvite()
  await join(t, used.code, network)
  const members = await admin.members()
  const length = admin.length

  t.is(await refusal(t, used.code, network), 'INVITE_USED', 'a used invite')

  const revoked = await admin.createInvite()
  await admin.revokeInvite(revoked.code)
  t.ok((await admin.invite(revoked.id))?.revokedAt !== null, 'the revocation is recorded')
  t.is(await refusal(t, revoked.code, network), 'INVITE_REVOKED', 'a revoked invite')

  const expired = await admin.createInvite({ expiresIn: 1 })
  t.is(
    await refusal(t, expired.code, network),
    'INVITE_EXPIRED',
    'an expired invite, seen from its code'
  )
  // The same invite with the expiry cut out of its code: the admin checks the ledger's record.
  const { decoded } = decodeInviteCode(expired.code)
  const noExpiry = c.encode(BlindPairing.Invite, { ...decoded, expires: 0 })
  t.is(
    await refusal(t, encodeInviteCode(noExpiry), network),
    'INVITE_EXPIRED',
    'an expired invite whose code hides it'
  )

  const forged = BlindPairing.createInvite(admin.key)
  t.is(
    await refusal(t, encodeInviteCode(forged.invite), network, 3000),
    'INVITE_UNANSWERED',
    'an invite no admin recorded gets no answer'
  )

  const typo = used.code.slice(0, 10) + (used.code[10] === 'y' ? 'b' : 'y') + used.code.slice(11)
  t.is(await refusal(t, typo, network), 'INVALID_INVITE', 'a mistyped code')
  t.is(await refusal(t, used.code.slice(0, -3), network), 'INVALID_INVITE', 'a cut-off code')
  t.is(await refusal(t, 'not an invite!', network), 'INVALID_INVITE', 'not a code at all')

  const revokedAt = (await admin.invite(revoked.id))!.revokedAt!
  t.alike(await admin.members(), members, 'no refused join added a member')
  t.is(
    admin.length,
    length + 3,
    'and nothing but the revoked invite, its revocation and the expired invite was written'
  )
  t.ok(revokedAt >= length, 'the revocation came after the first join')
})

test('invite - an admin invite for two indexers, one non-admin cannot invite, and a format 2 ledger has no invites', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const admin = await createNode(t, { network })
  const invite = await admin.createInvite({ role: 'admin', indexer: true, uses: 2 })
  const [b, c2] = await Promise.all([join(t, invite.code, network), join(t, invite.code, network)])
  const roles = (await admin.members()).filter((m) => m.key !== admin.writerKey.toString('hex'))
  t.alike(
    roles.map((m) => [m.role, m.indexer]),
    [
      ['admin', true],
      ['admin', true]
    ],
    'both joined as admins and indexers'
  )
  t.is((await admin.invite(invite.id))?.used, 2)
  await converged([admin, b, c2], { final: true })

  const writerInvite = await b.createInvite()
  const writer = await join(t, writerInvite.code, network)
  const err = await writer.createInvite().catch((e: unknown) => e)
  t.is((err as LedgerError).code, 'NOT_AUTHORIZED', 'a writer cannot record an invite')

  const old = await createNode(t, { formatVersion: 2 })
  const v2 = await old.createInvite().catch((e: unknown) => e)
  t.is((v2 as LedgerError).code, 'VERSION_NOT_ACTIVE', 'a format 2 ledger rejects an invite')
  t.ok(/set-version 3/.test((v2 as Error).message), 'and says how to activate invites')
})

test('invite - a node that paired but stopped before it synced can pair again with the same code', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const admin = await createNode(t, { network })
  const invite = await admin.createInvite()
  const storage = await tmpdir(t)
  const first = await pairWithInvite(invite.code, { storage, network })
  t.alike(first.key, admin.key, 'the first pairing names the ledger')
  t.is((await admin.invite(invite.id))?.used, 1)
  const again = await pairWithInvite(invite.code, { storage, network })
  t.alike(again.writerKey, first.writerKey, 'the same store asks for the same writer key')
  t.alike(
    again.key,
    admin.key,
    'the admin answers a node it already added, though the invite is used up'
  )
  t.is((await admin.invite(invite.id))?.used, 1, 'without a second use')
  const other = await refusal(t, invite.code, network)
  t.is(other, 'INVITE_USED', 'another node still gets INVITE_USED')
})

test('invite - a private ledger: the invite carries its key, past the secret gate, and the joined node reads and writes', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const admin = await createNode(t, { network, encryptionKey: newEncryptionKey() })
  await admin.submit({ type: 'put', key: 'secret-record', value: 'only members read this' })
  const invite = await admin.createInvite()
  const b = await join(t, invite.code, network)
  t.ok(b.encrypted, 'the joined node opened the ledger encrypted')
  t.alike(b.encryptionKey, admin.encryptionKey, 'with the key the admin handed over')
  await converged([admin, b])
  t.alike(
    (await b.get('secret-record'))?.value,
    'only members read this',
    'it reads what was there'
  )
  const receipt = await b.submit({ type: 'put', key: 'from-b', value: 1 })
  await admin.waitForTransaction(receipt.id, { author: b.writerKey })
  const hash = await converged([admin, b])
  t.ok(hash.length === 64, 'both hold the same head')
  t.is(admin.peers, 1, 'the joined node passed the secret gate')
})

test('invite - an admin with an allowlist lets the invited node pair, then lists its swarm key; another node stays off it', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK }
  const admin = await createNode(t, { network, allow: ['ab'.repeat(32)] })
  const invite = await admin.createInvite()
  const b = await join(t, invite.code, network)
  t.ok(b.writable, 'the invited node paired and became a writer past the allowlist')
  t.ok(
    admin.peerList().allowed?.includes(b.swarmKey!.toString('hex')),
    'its swarm key is on the admin’s allowlist now'
  )
  await converged([admin, b])
  // Another node that is neither listed nor invited: it gets the ledger from b (which keeps no
  // list: a list governs only its own node), never from the admin.
  const stranger = await createNode(t, { key: admin.key, network })
  await converged([admin, b, stranger])
  t.alike(
    admin.peerList().connected,
    [b.swarmKey!.toString('hex')],
    'the admin replicates with the invited node only'
  )
})
