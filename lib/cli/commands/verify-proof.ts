import fs from 'fs/promises'
import b4a from 'b4a'
import { str, hexKey, usageError } from '../command.js'
import type { Command } from '../command.js'
import { describe } from '../output.js'
import { toJson } from '../../api/json.js'
import { LedgerError, messageOf } from '../../errors.js'
import { verifyEntryProof } from '../../proof/verify.js'
import { readKeyFile } from '../../datadir/secret.js'
import type { VerifiedEntryProof } from '../../proof/verify.js'

export const verifyProof: Command = {
  name: 'verify-proof',
  args: '<file|->',
  arity: [1, 1],
  usesDir: false,
  summary:
    'Check an entry proof with no store and no network: print the entry and who signed it; exit 0 only when it checks.',
  options: {
    ledger: { type: 'string', value: '<key>', description: 'the ledger key you trust (required)' },
    indexers: {
      type: 'string',
      value: '<key,key,...>',
      description:
        "the writer keys of the indexers you trust, when the ledger's indexer set changed (default: its first indexer, named by the ledger key)"
    },
    'log-key': {
      type: 'string',
      value: '<key>',
      description:
        'or the log view key you trust (`logKey` in `status` of a node you trust): it fixes the indexers'
    },
    'secret-file': {
      type: 'string',
      value: '<file>',
      description:
        "a private ledger's key file (<dir>/secret of one of its nodes): its proofs hold the entry encrypted"
    }
  },
  details: [
    'Reads the proof from the file, or stdin for -: its bytes, their hex, or the JSON of `prove --json`',
    'or GET /v1/entries/:position/proof. PROOF_INVALID: it does not prove an entry of this ledger;',
    'PROOF_UNTRUSTED: it is signed by other indexers than you trust (it names them). A private',
    "ledger's proof holds its entry encrypted: check it with --secret-file."
  ],
  async run(ctx) {
    const ledgerText = str(ctx, 'ledger')
    if (ledgerText === undefined)
      throw usageError('--ledger <key> is required: the ledger key you trust')
    const ledger = hexKey(ledgerText, 'ledger key', '--ledger')
    const indexers = str(ctx, 'indexers')
      ?.split(',')
      .map((k) => hexKey(k.trim(), 'writer key', '--indexers'))
    const logKeyText = str(ctx, 'log-key')
    const logKey =
      logKeyText === undefined ? undefined : hexKey(logKeyText, 'writer key', '--log-key')
    const secretFile = str(ctx, 'secret-file')
    const encryptionKey = secretFile === undefined ? null : await readKeyFile(secretFile)
    const bytes = proofBytes(await read(ctx.positionals[0]))
    const verified = verifyEntryProof(ledger, bytes, { indexers, logKey, encryptionKey })
    ctx.out.item(verified, () => human(verified))
  }
}

async function read(file: string): Promise<Buffer> {
  try {
    if (file !== '-') return await fs.readFile(file)
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  } catch (err) {
    throw new LedgerError('INVALID_ARGUMENT', `cannot read ${file}: ${messageOf(err)}`)
  }
}

/** The proof's bytes from a file holding them raw, as hex, or as the API's JSON. */
function proofBytes(data: Buffer): Uint8Array {
  const text = data.byteLength < 1 << 20 ? data.toString('utf8').trim() : ''
  if (text.startsWith('{')) {
    try {
      const proof = (JSON.parse(text) as { proof?: unknown }).proof
      if (typeof proof === 'string') return hexBytes(proof) ?? data
    } catch {}
    return data
  }
  return hexBytes(text) ?? data
}

function hexBytes(text: string): Uint8Array | null {
  return text.length > 0 && text.length % 2 === 0 && /^[0-9a-f]+$/i.test(text)
    ? b4a.from(text, 'hex')
    : null
}

function human(v: VerifiedEntryProof): string {
  return [
    `valid: entry ${v.position} is in ledger ${v.ledger}, final (signed at length ${v.signedLength})`,
    `transaction  ${describe(toJson(v.entry))}`,
    `outcome      ${v.entry.outcome}${v.entry.reason === null ? '' : ` (${v.entry.reason})`}`,
    `writer       ${v.entry.writer} (block ${v.entry.writerPosition}, #${v.entry.index})`,
    `hash         ${v.entry.hash}`,
    `signed by    ${v.signedBy.join(', ')} (${v.signedBy.length} of ${v.indexers.length} indexers, quorum ${v.quorum})`
  ].join('\n')
}
