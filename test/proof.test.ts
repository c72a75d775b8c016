import test from 'brittle'
import fs from 'fs/promises'
import path from 'path'
import b4a from 'b4a'
import crypto from 'hypercore-crypto'
import Verifier from 'hypercore/lib/verifier.js'
import { MerkleTreeBatch } from 'hypercore/lib/merkle-tree.js'
import { createNode, mesh, converged } from './helpers/nodes.js'
import { untilWritable } from './helpers/wait.js'
import { tmpdir } from './helpers/temp.js'
import { cli } from './helpers/cli.js'
import { ledgerDir, startDaemon } from './helpers/daemon.js'
import { request } from './helpers/http.js'
import { verifyEntryProof } from '../lib/proof/verify.js'
import { decodeEntryProof, encodeEntryProof } from '../lib/proof/codec.js'
import type { EntryProof } from '../lib/proof/codec.js'
import { openEntry, sealEntry, digest, GENESIS_HASH } from '../lib/ledger/entry.js'
import { encodeTx } from '../lib/ledger/tx.js'
import { ACCEPTED } from '../lib/ledger/outcome.js'
import { logViewNamespace, writerKeyOf } from '../lib/proof/signers.js'
import { ID, TXS } from './helpers/golden.js'
import { vectors } from './helpers/format-doc.js'
import { codeOf, httpStatusOf, exitStatusOf, LedgerError } from '../lib/errors.js'
import type { LedgerNode } from '../lib/index.js'

const ID2 = b4a.from('101112131415161718191a1b1c1d1e1f', 'hex')

/** A ledger of one indexer (every new ledger) with `n` puts after its first entry, all final. */
async function oneIndexer(t: test.Test, n: number, storage?: string) {
  const node = await createNode(t, storage === undefined ? {} : { storage })
  for (let i = 0; i < n; i++) await node.submit({ type: 'put', key: `k${i}`, value: i })
  await converged([node], { final: true, length: n + 1 })
  return node
}

function rejection(fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (err) {
    return err instanceof LedgerError ? err.code : 'THREW ' + codeOf(err)
  }
}

function reencode(bytes: Uint8Array, change: (p: EntryProof) => void): Uint8Array {
  const proof = decodeEntryProof(bytes) as EntryProof
  change(proof)
  return encodeEntryProof(proof)
}

test('proof - one indexer: proofs check in a separate process, with the data directory deleted', async (t) => {
  const dir = path.join(await tmpdir(t), 'ledger')
  const node = await oneIndexer(t, 20, dir)
  const key = b4a.toString(node.key, 'hex')
  const files: Array<[number, string]> = []
  for (const position of [0, 7, 20]) {
    const file = path.join(path.dirname(dir), `entry-${position}.proof`)
    await fs.writeFile(file, await node.proveEntry(position))
    files.push([position, file])
  }
  const expected = (await node.entry(7))?.hash
  await node.close()
  await fs.rm(dir, { recursive: true })

  for (const [position, file] of files) {
    const r = await cli(['verify-proof', file, '--ledger', key, '--json'])
    t.is(r.code, 0, `entry ${position}: exit 0 ${r.stderr}`)
    const v = r.lines[0] as {
      position: number
      entry: { hash: string; final: boolean }
      signedBy: string[]
    }
    t.is(v.position, position)
    t.is(v.signedBy.length, 1, 'signed by the one indexer')
    t.is(v.signedBy[0], key, 'the ledger key names it')
    if (position === 7) t.is(v.entry.hash, expected, 'the entry the node held')
  }
  const human = await cli(['verify-proof', files[1][1], '--ledger', key])
  t.ok(
    /^valid: entry 7 is in ledger [0-9a-f]{64}, final/.test(human.stdout),
    human.stdout.split('\n')[0]
  )
  t.ok(/^transaction  put k6 = 6$/m.test(human.stdout), 'the transaction, as `log` shows it')

  const other = b4a.toString(crypto.randomBytes(32), 'hex')
  const wrong = await cli(['verify-proof', files[1][1], '--ledger', other])
  t.is(wrong.code, exitStatusOf('PROOF_INVALID'), 'another ledger key: refused')
  t.ok(wrong.stderr.includes('PROOF_INVALID'), wrong.stderr.trim())
  const missing = await cli(['verify-proof', files[1][1] + '.none', '--ledger', key])
  t.ok(missing.stderr.includes('INVALID_ARGUMENT'), 'a missing file: INVALID_ARGUMENT')
})

test('proof - every tampering is rejected: entry, position, signature, manifest, prologue, path, key, truncation, any bit', async (t) => {
  const node = await oneIndexer(t, 12, undefined)
  const key = node.key
  const genuine = await node.proveEntry(5)
  const later = await node.proveEntry(12)
  t.is(verifyEntryProof(key, genuine).position, 5, 'the genuine proof checks')

  const forged = (() => {
    const record = openEntry((decodeEntryProof(genuine) as EntryProof).entry)
    return sealEntry({ ...record, tx: b4a.from('forged transaction') }).bytes
  })()
  const cases: Array<[string, Uint8Array, string]> = [
    [
      'a forged entry, its own hash right',
      reencode(genuine, (p) => (p.entry = forged)),
      'PROOF_INVALID'
    ],
    ['one entry byte changed', reencode(genuine, (p) => (p.entry[20] ^= 1)), 'PROOF_INVALID'],
    [
      'a forged block with an empty path',
      reencode(genuine, (p) => {
        p.entry = forged
        p.path = []
      }),
      'PROOF_INVALID'
    ],
    ['another claimed position', reencode(genuine, (p) => (p.position = 4)), 'PROOF_INVALID'],
    [
      'a position past the signed length',
      reencode(genuine, (p) => (p.position = p.length)),
      'PROOF_INVALID'
    ],
    ['a signature byte changed', reencode(genuine, (p) => (p.signature[10] ^= 1)), 'PROOF_INVALID'],
    [
      'the signature of another length',
      reencode(genuine, (p) => {
        p.signature = (decodeEntryProof(later) as EntryProof).signature
      }),
      'PROOF_INVALID'
    ],
    ['a root changed', reencode(genuine, (p) => (p.roots[0].hash[0] ^= 1)), 'PROOF_INVALID'],
    ['a root left out', reencode(genuine, (p) => p.roots.pop()), 'PROOF_INVALID'],
    ['another fork', reencode(genuine, (p) => (p.fork = 1)), 'PROOF_INVALID'],
    [
      'a manifest with another signer',
      reencode(genuine, (p) => {
        const m = Verifier.decodeManifest(p.manifest)
        m.signers[0].publicKey = crypto.randomBytes(32)
        p.manifest = Verifier.encodeManifest(m)
      }),
      'PROOF_INVALID'
    ],
    [
      'a manifest with another namespace',
      reencode(genuine, (p) => {
        const m = Verifier.decodeManifest(p.manifest)
        m.signers[0].namespace = crypto.randomBytes(32)
        p.manifest = Verifier.encodeManifest(m)
      }),
      'PROOF_INVALID'
    ],
    [
      'a manifest without its prologue',
      reencode(genuine, (p) => {
        const m = Verifier.decodeManifest(p.manifest)
        m.prologue = null
        p.manifest = Verifier.encodeManifest(m)
      }),
      'PROOF_INVALID'
    ],
    [
      'the proof relabelled for another ledger',
      reencode(genuine, (p) => (p.ledger = crypto.randomBytes(32))),
      'PROOF_INVALID'
    ]
  ]
  // An invented prologue: hypercore accepts a tree at its prologue's length with no signature at
  // all, so a forger puts the hash of a tree holding only the forged entry there.
  const forgedLeaf = { index: 0, size: forged.byteLength, hash: crypto.data(forged) }
  cases.push([
    'an invented prologue, unsigned',
    reencode(genuine, (p) => {
      const m = Verifier.decodeManifest(p.manifest)
      m.prologue = { hash: crypto.tree([forgedLeaf]), length: 1 }
      p.manifest = Verifier.encodeManifest(m)
      Object.assign(p, {
        length: 1,
        roots: [forgedLeaf],
        position: 0,
        path: [],
        signature: b4a.alloc(0)
      })
      p.entry = sealEntry({ ...openEntry(forged), seq: 0 }).bytes
    }),
    'PROOF_INVALID'
  ])
  for (const [what, bytes, code] of cases)
    t.is(
      rejection(() => verifyEntryProof(key, bytes)),
      code,
      what
    )

  t.is(
    rejection(() => verifyEntryProof(crypto.randomBytes(32), genuine)),
    'PROOF_INVALID',
    'the wrong ledger key'
  )
  let truncations = 0
  for (let end = 0; end < genuine.byteLength; end++) {
    if (rejection(() => verifyEntryProof(key, genuine.subarray(0, end))) === 'PROOF_INVALID')
      truncations++
  }
  t.is(truncations, genuine.byteLength, `all ${genuine.byteLength} truncations rejected`)
  let flips = 0
  const accepted: number[] = []
  for (let bit = 0; bit < genuine.byteLength * 8; bit++) {
    const bytes = b4a.from(genuine)
    bytes[bit >> 3] ^= 1 << (bit & 7)
    const code = rejection(() => verifyEntryProof(key, bytes))
    if (code === 'PROOF_INVALID' || code === 'PROOF_UNTRUSTED') flips++
    else accepted.push(bit)
  }
  t.alike(accepted, [], `every one of the ${flips} single-bit flips rejected`)
})

test('proof - not final yet, through the daemon, and over HTTP', async (t) => {
  const dir = await ledgerDir(t)
  for (let i = 0; i < 3; i++) {
    const r = await cli(['put', `k${i}`, String(i), '--dir', dir])
    t.is(r.code, 0, `put k${i} ${r.stderr}`)
  }
  const status = await cli(['status', '--json', '--dir', dir])
  const key = (status.lines[0] as { key: string }).key
  const daemon = await startDaemon(t, dir)
  const file = path.join(path.dirname(dir), 'p.proof')
  const made = await cli(['prove', '2', '--out', file, '--dir', dir])
  t.is(made.code, 0, `prove through the daemon ${made.stderr}`)
  t.ok(
    /wrote the proof of entry 2 \(\d+ bytes, final length \d+\)/.test(made.stderr),
    made.stderr.trim()
  )
  const again = await cli(['prove', '2', '--out', file, '--dir', dir])
  t.is(again.code, exitStatusOf('INVALID_ARGUMENT'), 'an existing file is never overwritten')
  t.is((await cli(['verify-proof', file, '--ledger', key])).code, 0, 'the file checks')

  const got = await request(`${daemon.url}/v1/entries/1/proof`)
  t.is(got.status, 200, 'GET /v1/entries/1/proof')
  t.is(got.json.position, 1)
  const v = verifyEntryProof(key, b4a.from(got.json.proof, 'hex'))
  t.is(v.entry.tx?.type, 'put', 'the HTTP proof checks, offline')
  t.is(got.json.size, got.json.proof.length / 2)
  const far = await request(`${daemon.url}/v1/entries/99/proof`)
  t.is(far.status, httpStatusOf('PROOF_UNAVAILABLE'), 'no final entry there: 409')
  t.is(far.json.code, 'PROOF_UNAVAILABLE')
  const byTx = await cli(['prove', '--tx', v.entry.id as string, '--hex', '--dir', dir])
  t.is(byTx.code, 0, byTx.stderr)
  t.is(
    verifyEntryProof(key, b4a.from(byTx.stdout.trim(), 'hex')).position,
    1,
    'prove --tx finds the entry'
  )
  const both = await cli(['prove', '1', '--tx', v.entry.id as string, '--dir', dir])
  t.is(both.code, exitStatusOf('USAGE'), 'a position and --tx: a usage error')
})

async function indexerSet(t: test.Test, count: number) {
  const first = await createNode(t)
  const nodes: LedgerNode[] = [first]
  for (let i = 1; i < count; i++) nodes.push(await createNode(t, { key: first.key }))
  mesh(nodes)
  await first.submit({ type: 'put', key: 'before', value: 1 })
  await converged(nodes, { final: true, length: 2 })
  const before = await first.proveEntry(1)
  for (const n of nodes.slice(1)) {
    await first.submit({ type: 'add-writer', key: n.writerKey, indexer: true })
    await untilWritable(n)
  }
  for (const [i, n] of nodes.entries()) await n.submit({ type: 'put', key: `after${i}`, value: i })
  await converged(nodes, { final: true, length: 2 + (count - 1) + count })
  // The view moves to the new set's key when the change is indexed, possibly after every entry so
  // far: its prologue then covers them all, and the new set signs them with its first new entry.
  await first.submit({ type: 'put', key: 'signed-by-the-new-set', value: true })
  await converged(nodes, { final: true, length: 2 + (count - 1) + count + 1 })
  return { nodes, before }
}

for (const count of [2, 3]) {
  test(`proof - ${count} indexers: the proof names them; the ledger key alone no longer suffices, pinning them does`, async (t) => {
    const { nodes, before } = await indexerSet(t, count)
    const [first] = nodes
    const key = first.key
    const indexers = nodes.map((n) => b4a.toString(n.writerKey, 'hex'))
    const last = first.finalLength - 1
    for (const [i, n] of nodes.entries()) {
      const proof = await n.proveEntry(last)
      const v = verifyEntryProof(key, proof, { indexers })
      t.is(v.position, last, `node ${i}: its proof checks with the ${count} indexers pinned`)
      t.alike(
        [...v.indexers].sort(),
        [...indexers].sort(),
        `node ${i}: the view names exactly them`
      )
      t.is(v.quorum, Math.floor(count / 2) + 1, 'a majority must sign')
      t.ok(
        v.signedBy.length >= v.quorum && v.signedBy.every((k) => indexers.includes(k)),
        'a quorum of them signed'
      )
      t.is(
        rejection(() => verifyEntryProof(key, proof)),
        'PROOF_UNTRUSTED',
        `node ${i}: the ledger key alone: untrusted`
      )
      t.is(
        rejection(() => verifyEntryProof(key, proof, { indexers: indexers.slice(1) })),
        'PROOF_UNTRUSTED',
        `node ${i}: a set without the first indexer: untrusted`
      )
    }
    const { logKey } = await first.status()
    const pinned = verifyEntryProof(key, await first.proveEntry(last), { logKey })
    t.alike(
      [...pinned.indexers].sort(),
      [...indexers].sort(),
      'pinning the log key from status: the same indexers'
    )
    t.is(
      rejection(() => verifyEntryProof(key, before, { logKey })),
      'PROOF_UNTRUSTED',
      'a proof of the view before the change is not of the pinned log key'
    )
    const old = verifyEntryProof(key, before)
    t.is(
      old.position,
      1,
      'a proof made before the change still checks after it, with the ledger key alone'
    )
    t.is(old.entry.hash, (await first.entry(1))?.hash)
    const anew = verifyEntryProof(key, await first.proveEntry(1), { indexers })
    t.is(anew.entry.hash, old.entry.hash, 'the same entry proven again, now by the new set')
  })
}

/**
 * The proof docs/format.md gives as its vector, built from fixed inputs: an indexer key pair from
 * the seed 32 x 01 (Ed25519 signatures are deterministic), two entries, a proof of the second.
 */
function documentedProof(): { ledger: Uint8Array; bytes: Uint8Array } {
  const keyPair = crypto.keyPair(b4a.alloc(32, 1))
  const ledger = writerKeyOf(keyPair.publicKey)
  const put = encodeTx(TXS.put)
  const del = encodeTx(TXS.del)
  const first = sealEntry({
    ...{ seq: 0, writer: ledger, writerSeq: 0, index: 0, id: ID, tx: put, digest: digest(put) },
    ...{ outcome: ACCEPTED, links: [-1], prev: GENESIS_HASH }
  })
  const second = sealEntry({
    ...{ seq: 1, writer: ledger, writerSeq: 1, index: 0, id: ID2, tx: del, digest: digest(del) },
    ...{ outcome: ACCEPTED, links: [0], prev: first.hash }
  })
  const leaf = (index: number, bytes: Uint8Array) => ({
    index,
    size: bytes.byteLength,
    hash: crypto.data(bytes)
  })
  const [l0, l1] = [leaf(0, first.bytes), leaf(2, second.bytes)]
  const root = { index: 1, size: l0.size + l1.size, hash: crypto.parent(l0, l1) }
  const manifest = {
    version: 1,
    hash: 'blake2b',
    allowPatch: true,
    quorum: 1,
    signers: [
      { signature: 'ed25519', namespace: logViewNamespace(ledger), publicKey: keyPair.publicKey }
    ],
    prologue: null,
    linked: null,
    userData: null
  }
  const batch = new MerkleTreeBatch({
    ...{ fork: 0, roots: [root], length: 2, byteLength: root.size },
    ...{ signature: null, prologue: null, storage: null }
  })
  const signature = new Verifier(Verifier.manifestHash(manifest), manifest).sign(batch, keyPair)
  const bytes = encodeEntryProof({
    ...{ ledger, manifest: Verifier.encodeManifest(manifest), fork: 0, length: 2, roots: [root] },
    ...{ signature, position: 1, entry: second.bytes, path: [l0] }
  })
  return { ledger, bytes }
}

test('format spec: the entry proof vector is the proof of its inputs, and checks', (t) => {
  const [vector] = vectors('proof')
  const { ledger, bytes } = documentedProof()
  t.is(vector.hex, b4a.toString(bytes, 'hex'), vector.label)
  const v = verifyEntryProof(ledger, b4a.from(vector.hex, 'hex'))
  t.is(v.position, 1)
  t.is(v.entry.tx?.type, 'del', 'the second entry: the del of the transaction vectors')
  t.alike(v.signedBy, [b4a.toString(ledger, 'hex')], 'signed by the indexer the ledger key names')

  // The derivations as the document writes them out, from nothing but BLAKE2b.
  const ns = (name: string, i: number) => crypto.hash([crypto.hash(b4a.from(name)), b4a.from([i])])
  const publicKey = crypto.keyPair(b4a.alloc(32, 1)).publicKey
  t.alike(
    crypto.hash([
      ns('hypercore', 3),
      b4a.from('010000010100', 'hex'),
      ns('hypercore', 4),
      publicKey
    ]),
    ledger,
    'the ledger key from the indexer public key'
  )
  t.alike(
    crypto.hash([
      ns('autobase', 0),
      b4a.from([1]),
      ledger,
      crypto.hash(b4a.alloc(0)),
      ns('hypercore', 4),
      b4a.from('log')
    ]),
    logViewNamespace(ledger),
    "the signer namespace of the ledger's log view"
  )
})
