import c from 'compact-encoding'
import b4a from 'b4a'
import crypto from 'hypercore-crypto'
import Hypercore from 'hypercore'
import caps from 'hypercore/lib/caps.js'
import type Verifier from 'hypercore/lib/verifier.js'

/** The name the ledger view has among autobase's views (view.ts opens it as `store.get('log')`). */
export const LOG_VIEW = 'log'
/** Autobase's domain for view signer namespaces, and its index version (autobase/lib/store.js). */
const [AUTOBASE_SIGNER_NAMESPACE] = crypto.namespace('autobase', 1)
const AUTOBASE_INDEX_VERSION = 1

/**
 * The signer namespace autobase gives the ledger view of the ledger `ledgerKey`: it binds an
 * indexer's signature to this ledger's log view, so a signature over another core cannot pass.
 * A private ledger's namespace also binds its encryption key (by hash).
 */
export function logViewNamespace(
  ledgerKey: Uint8Array,
  encryptionKey: Uint8Array | null = null
): Buffer {
  return crypto.hash([
    AUTOBASE_SIGNER_NAMESPACE,
    c.encode(c.uint, AUTOBASE_INDEX_VERSION),
    ledgerKey,
    crypto.hash(encryptionKey ?? b4a.alloc(0)),
    caps.DEFAULT_NAMESPACE,
    b4a.from(LOG_VIEW)
  ])
}

/** The writer key of an indexer from its signing key: the key of its own log, whose manifest names that one signer. */
export function writerKeyOf(publicKey: Uint8Array): Buffer {
  return Hypercore.key({ version: 1, signers: [{ publicKey }] })
}

/** The writer keys of a view manifest's signers, in manifest order. */
export function signerWriterKeys(manifest: Verifier.Manifest): Buffer[] {
  return manifest.signers.map((s) => writerKeyOf(s.publicKey))
}
