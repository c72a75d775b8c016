import b4a from 'b4a'
import flat from 'flat-tree'
import crypto from 'hypercore-crypto'
import Verifier from 'hypercore/lib/verifier.js'
import { MerkleTreeBatch } from 'hypercore/lib/merkle-tree.js'
import { inflate } from 'hypercore/lib/multisig.js'
import { LedgerError } from '../errors.js'
import { openEntry, verifyEntry } from '../ledger/entry.js'
import { presentEntry } from '../ledger/present.js'
import type { Entry } from '../ledger/results.js'
import { parseLedgerKey, parseWriterKey, toHex } from '../ledger/ids.js'
import type { KeyInput } from '../ledger/ids.js'
import { decodeEntryProof } from './codec.js'
import type { EntryProof, TreeNode } from './codec.js'
import { logViewNamespace, signerWriterKeys } from './signers.js'
import { decryptLogBlock, parseEncryptionKey } from './decrypt.js'

export interface VerifyProofOptions {
  /**
   * The writer keys of the indexers to trust, exactly the set that signed. Default: the ledger's
   * first indexer, which the ledger key names: enough until the indexer set changes.
   */
  indexers?: KeyInput[]
  /**
   * Or the key of the log view to trust (`logKey` in `status` of a node you trust): the view's key
   * is the hash of its manifest, so it fixes the indexers too.
   */
  logKey?: KeyInput
  /**
   * A private ledger's encryption key: its proofs carry the entry as stored, encrypted, and only
   * the key shows what it says (and which log view its indexers sign).
   */
  encryptionKey?: KeyInput | null
}

/** What a proof showed: this entry is at this position of the ledger, signed by these indexers. */
export interface VerifiedEntryProof {
  ledger: string
  position: number
  entry: Entry
  /** The ledger's final length when the proof was made: the signed length of its log view. */
  signedLength: number
  /** The key of the signed log view. */
  logView: string
  /** The indexer set the view names (writer keys) and the quorum of them that must sign. */
  indexers: string[]
  quorum: number
  /** The indexers whose signatures the proof carries. */
  signedBy: string[]
}

/**
 * Check an entry proof with no store and no network. Throws PROOF_INVALID (the bytes do not prove
 * an entry of this ledger) or PROOF_UNTRUSTED (a valid proof, signed by indexers the caller did
 * not name) with the check that failed.
 */
export function verifyEntryProof(
  ledgerKey: KeyInput,
  bytes: Uint8Array,
  opts: VerifyProofOptions = {}
): VerifiedEntryProof {
  const ledger = parseLedgerKey(typeof ledgerKey === 'string' ? ledgerKey : toHex(ledgerKey))
  if (ledger === null)
    throw new LedgerError('INVALID_ARGUMENT', 'a ledger key is 64 hex characters')
  const trusted = trustedIndexers(ledger, opts.indexers)
  const logKey = opts.logKey === undefined ? null : key('log key', opts.logKey)
  const encryptionKey = opts.encryptionKey ? parseEncryptionKey(opts.encryptionKey) : null

  const proof = decodeEntryProof(bytes)
  if (proof === null) throw invalid('not an entry proof (truncated, altered, or another file)')
  if (!b4a.equals(proof.ledger, ledger))
    throw invalid(`the proof is for ledger ${toHex(proof.ledger)}, not ${toHex(ledger)}`)

  const manifest = viewManifest(proof, ledger, encryptionKey)
  checkSignedTree(proof, manifest)
  checkPath(proof)
  const entry =
    encryptionKey === null ? proof.entry : decrypt(proof, manifest, ledger, encryptionKey)
  if (!verifyEntry(entry)) throw invalid("the entry's own hash does not match its bytes")
  const record = decodeRecord(entry)
  if (record.seq !== proof.position)
    throw invalid(`the entry says position ${record.seq}, the proof ${proof.position}`)

  // A valid proof: now, is it signed by the indexers the caller trusts?
  const view = toHex(Verifier.manifestHash(manifest))
  const indexers = signerWriterKeys(manifest).map(toHex)
  if (logKey !== null && view !== logKey)
    throw new LedgerError(
      'PROOF_UNTRUSTED',
      `the proof is of the log view ${view}, not of ${logKey}: if it changed (the indexer set did), get the new one from a node you trust`
    )
  if (
    logKey === null &&
    (indexers.length !== trusted.size || !indexers.every((k) => trusted.has(k)))
  )
    throw new LedgerError(
      'PROOF_UNTRUSTED',
      `signed by the indexers ${indexers.join(', ')}, not by ${[...trusted].join(', ')}: if you trust them (see \`autoledger members\` on a node you trust), pass them as --indexers`
    )

  return {
    ledger: toHex(ledger),
    position: proof.position,
    entry: presentEntry(record, true),
    signedLength: proof.length,
    logView: view,
    indexers,
    quorum: manifest.quorum,
    signedBy: inflate(proof.signature).proofs.map((p) => indexers[p.signer])
  }
}

function trustedIndexers(ledger: Uint8Array, keys: KeyInput[] | undefined): Set<string> {
  if (keys === undefined || keys.length === 0) return new Set([toHex(ledger)])
  return new Set(keys.map((k) => key('writer key', k)))
}

/** A 32-byte key given as hex or bytes, as lowercase hex. */
function key(what: string, input: KeyInput): string {
  const parsed = parseWriterKey(typeof input === 'string' ? input : toHex(input))
  if (parsed === null) throw new LedgerError('INVALID_ARGUMENT', `a ${what} is 64 hex characters`)
  return toHex(parsed)
}

/** The view's manifest, checked to be a majority multisig of distinct keys over this ledger's log view. */
function viewManifest(
  proof: EntryProof,
  ledger: Uint8Array,
  encryptionKey: Uint8Array | null
): Verifier.Manifest {
  let manifest: Verifier.Manifest
  try {
    manifest = Verifier.decodeManifest(proof.manifest)
  } catch {
    throw invalid('the manifest does not decode')
  }
  if (!b4a.equals(Verifier.encodeManifest(manifest), proof.manifest))
    throw invalid('the manifest is not in its one encoding')
  if (manifest.version < 1) throw invalid('the manifest is of version 0, which signs no manifest')
  const n = manifest.signers.length
  if (n === 0) throw invalid('the manifest names no signers')
  if (manifest.quorum < Math.floor(n / 2) + 1 || manifest.quorum > n)
    throw invalid(`the manifest's quorum ${manifest.quorum} of ${n} is not a majority`)
  const keys = new Set(manifest.signers.map((s) => toHex(s.publicKey)))
  if (keys.size !== n) throw invalid('the manifest names a signer twice')
  const namespace = logViewNamespace(ledger, encryptionKey)
  if (!manifest.signers.every((s) => b4a.equals(s.namespace, namespace)))
    throw invalid(
      encryptionKey === null
        ? "the manifest's signers do not sign this ledger's log view (a private ledger's proof needs its encryption key)"
        : "the manifest's signers do not sign the log view of this ledger with this encryption key"
    )
  return manifest
}

/** The roots are the whole tree at the signed length, and a quorum signed that tree. */
function checkSignedTree(proof: EntryProof, manifest: Verifier.Manifest): void {
  const prologue = manifest.prologue?.length ?? 0
  // At or below its prologue a core's tree needs no signature: a proof must show a signed one.
  if (proof.length <= prologue)
    throw invalid(`the signed length ${proof.length} is not past the prologue (${prologue})`)
  if (proof.position >= proof.length)
    throw invalid(`position ${proof.position} is not below the signed length ${proof.length}`)
  const expected = flat.fullRoots(2 * proof.length)
  if (proof.roots.length !== expected.length || proof.roots.some((r, i) => r.index !== expected[i]))
    throw invalid(`the roots are not those of a tree of length ${proof.length}`)
  const batch = new MerkleTreeBatch({
    fork: proof.fork,
    roots: proof.roots.map(node),
    length: proof.length,
    byteLength: proof.roots.reduce((sum, r) => sum + r.size, 0),
    signature: null,
    prologue: manifest.prologue,
    storage: null
  })
  let signed = false
  try {
    signed = new Verifier(Verifier.manifestHash(manifest), manifest).verify(batch, proof.signature)
  } catch {
    signed = false
  }
  if (!signed) throw invalid('the signature is not a quorum signature of the tree')
}

/** Hash the entry up its path: it must reach the root above it. */
function checkPath(proof: EntryProof): void {
  let at: TreeNode = {
    index: 2 * proof.position,
    size: proof.entry.byteLength,
    hash: crypto.data(proof.entry)
  }
  for (const sibling of proof.path) {
    if (sibling.index !== flat.sibling(at.index))
      throw invalid(`path node ${sibling.index} is not the sibling of ${at.index}`)
    at = {
      index: flat.parent(at.index),
      size: at.size + sibling.size,
      hash: crypto.parent(at, sibling)
    }
  }
  const root = proof.roots.find((r) => r.index === at.index)
  if (root === undefined || root.size !== at.size || !b4a.equals(root.hash, at.hash))
    throw invalid('the entry is not in the signed tree: its path does not lead to a signed root')
}

/** The entry in a private ledger's proof: the stored block, decrypted (its path was checked as stored). */
function decrypt(
  proof: EntryProof,
  manifest: Verifier.Manifest,
  ledger: Uint8Array,
  encryptionKey: Uint8Array
): Uint8Array {
  if (manifest.version !== 1)
    throw invalid(`cannot decrypt an entry of a view of manifest version ${manifest.version}`)
  const entry = decryptLogBlock(ledger, encryptionKey, proof.position, proof.entry)
  if (entry === null) throw invalid('the encrypted entry is shorter than its padding')
  return entry
}

function decodeRecord(bytes: Uint8Array): ReturnType<typeof openEntry> {
  try {
    return openEntry(bytes)
  } catch {
    throw invalid('the entry does not decode')
  }
}

function node(n: TreeNode): { index: number; size: number; hash: Buffer } {
  return { index: n.index, size: n.size, hash: b4a.from(n.hash) as Buffer }
}

function invalid(message: string): LedgerError {
  return new LedgerError('PROOF_INVALID', message)
}
