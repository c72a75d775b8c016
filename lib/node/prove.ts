import type Autobase from 'autobase'
import Verifier from 'hypercore/lib/verifier.js'
import { MerkleTree } from 'hypercore/lib/merkle-tree.js'
import { LedgerError } from '../errors.js'
import { waitFor } from './wait.js'
import type { LedgerView } from '../ledger/view.js'
import { encodeEntryProof } from '../proof/codec.js'
import { verifyEntryProof } from '../proof/verify.js'
import { signerWriterKeys } from '../proof/signers.js'

/** Tries before giving up when the ledger's signed length moves while a proof is read. */
const ATTEMPTS = 5
/** How long a proof of an entry the node counts as final waits for the signed view to hold it (ms). */
export const SIGNED_VIEW_WAIT_MS = 5000

/**
 * A self-contained proof of the final entry at `position`: its bytes, its Merkle path, the tree
 * its log view was signed at and the quorum's signature. Checked here before it is returned.
 */
export async function proveEntry(
  base: Autobase<LedgerView>,
  position: number,
  finalLength: number
): Promise<Uint8Array> {
  // The signed state is the view's default session; base.view.log is autobase's unsigned batch.
  const log = base.store.get({ key: base.view.log.key, active: false })
  await log.ready()
  try {
    // The node counts an entry final once autobase knows its signature, a moment before the
    // default session holds it (just after an indexer change, its new view's first signature).
    const signed = (): true | null =>
      log.length > position && log.length > (log.manifest?.prologue?.length ?? 0) ? true : null
    if (position < finalLength)
      await waitFor(
        [log],
        ['append', 'truncate'],
        signed,
        SIGNED_VIEW_WAIT_MS,
        'the signed view'
      ).catch(() => {})
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const length = log.length
      if (!Number.isSafeInteger(position) || position < 0 || position >= length)
        throw new LedgerError(
          'PROOF_UNAVAILABLE',
          `no final entry at position ${position}: the final length is ${length}`
        )
      const manifest = log.manifest
      if (manifest === null || length <= (manifest.prologue?.length ?? 0))
        throw new LedgerError(
          'PROOF_UNAVAILABLE',
          'the ledger view is not signed past its start yet: after an indexer change the new set signs the entries before it with its first new entry; retry after the next write'
        )
      const upgrade = await log.proof({ upgrade: { start: 0, length } })
      const roots = await MerkleTree.getRoots(log.state, length)
      const block = await log.proof({
        block: { index: position, nodes: MerkleTree.maxMissingNodes(2 * position, length) }
      })
      if (log.length !== length || upgrade.upgrade === null || block.block === null) continue
      const bytes = encodeEntryProof({
        ledger: base.key,
        manifest: Verifier.encodeManifest(manifest),
        fork: log.fork,
        length,
        roots,
        signature: upgrade.upgrade.signature,
        position,
        entry: block.block.value,
        path: block.block.nodes
      })
      try {
        verifyEntryProof(base.key, bytes, {
          indexers: signerWriterKeys(manifest),
          encryptionKey: base.encryptionKey
        })
      } catch (err) {
        if (log.length !== length) continue
        throw new LedgerError(
          'INTERNAL',
          `the proof this node made does not check: ${(err as Error).message}`
        )
      }
      return bytes
    }
    throw new LedgerError('PROOF_UNAVAILABLE', 'the signed length kept moving: try again')
  } finally {
    await log.close()
  }
}
