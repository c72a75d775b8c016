import test from 'brittle'
import { LedgerNode, LedgerError } from '../lib/index.js'
import { converged, createNode, TEST_ACK_INTERVAL_MS } from './helpers/nodes.js'
import { tmpdir } from './helpers/temp.js'
import { loopbackTestnet, LOOPBACK } from './helpers/loopback.js'

async function joined(
  t: test.Test,
  code: string,
  network: object,
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

test('invite - a node joins by an invite code and is a writer, by an add-writer naming the invite', async (t) => {
  const testnet = await loopbackTestnet(t)
  const network = { bootstrap: testnet.bootstrap, host: LOOPBACK, reachable: true }
  const admin = await createNode(t, { network })
  const invite = await admin.createInvite()
  t.is(invite.uses, 1)
  t.is(invite.used, 0)
  t.ok(invite.expires !== null && invite.expires > Date.now(), 'expires by default')
  t.ok(/^[a-z0-9]+$/.test(invite.code), 'the code is one z-base-32 word')

  const b = await joined(t, invite.code, network)
  t.ok(b.writable, 'the joined node is a writer')
  t.alike(b.key, admin.key)
  const receipt = await b.submit({ type: 'put', key: 'hello', value: 'from b' })
  await admin.waitForTransaction(receipt.id, { author: b.writerKey })
  await converged([admin, b])
  const adds = (await admin.entries()).items.filter((e) => e.tx?.type === 'add-writer')
  t.is(adds.length, 1)
  const add = adds[0].tx as { invite: string | null; key: string }
  t.is(add.invite, invite.id, 'the add-writer names the invite')
  t.is(add.key, b.writerKey.toString('hex'))
  t.is((await admin.invite(invite.id))?.used, 1)

  const again = await LedgerNode.join(invite.code, {
    storage: await tmpdir(t),
    network,
    timeout: 20_000
  }).catch((e) => e)
  t.ok(again instanceof LedgerError && again.code === 'INVITE_USED', `a second use: ${again.code}`)
})
