import b4a from 'b4a'
import { str, txId, hexKey, usageError, wholeNumber } from '../command.js'
import type { Command, CommandContext } from '../command.js'
import { withLedger } from '../connect.js'
import { openNewFile } from '../new-file.js'
import { LedgerError } from '../../errors.js'

export const prove: Command = {
  name: 'prove',
  args: '[position]',
  arity: [0, 1],
  summary:
    'Write a self-contained proof that a final entry is in the ledger, for anyone to check offline with `verify-proof`.',
  options: {
    tx: {
      type: 'string',
      value: '<id>',
      description: 'prove the entry of this transaction instead'
    },
    author: {
      type: 'string',
      value: '<writer-key>',
      description: "with --tx: that writer's transaction with the id"
    },
    out: { type: 'string', value: '<file>', description: 'write the proof to this new file' },
    hex: { type: 'boolean', description: 'print the proof as hex on stdout' }
  },
  details: [
    'The proof holds the entry bytes, their Merkle path, the signed tree of the ledger view and the',
    'indexers\' quorum signature (docs/format.md, "Entry proofs"). It is binary: write it with --out,',
    'pipe it, or print it with --hex; --json prints it as hex with what it proves.'
  ],
  async run(ctx) {
    const at = target(ctx)
    const proof = await withLedger(ctx.dir, async ({ ops }) =>
      ops.proveEntry(
        typeof at === 'number' ? at : (await ops.transaction(at.id, at.author)).position
      )
    )
    const bytes = b4a.from(proof.proof, 'hex')
    const out = str(ctx, 'out')
    if (ctx.out.json) return ctx.out.item(proof, '')
    if (out !== undefined) {
      const file = await openNewFile(out, 'prove')
      await file.writeFile(bytes)
      await file.close()
      ctx.out.note(
        `wrote the proof of entry ${proof.position} (${bytes.byteLength} bytes, final length ${proof.signedLength}) to ${out}`
      )
      return
    }
    if (ctx.values.hex === true) return ctx.out.text(proof.proof)
    if (process.stdout.isTTY === true)
      throw new LedgerError(
        'INVALID_ARGUMENT',
        'a proof is binary: write it with --out <file>, pipe it, or print it with --hex'
      )
    process.stdout.write(bytes)
  }
}

function target(ctx: CommandContext): number | { id: string; author: string | undefined } {
  const id = str(ctx, 'tx')
  const author = str(ctx, 'author')
  if (id === undefined) {
    if (ctx.positionals.length === 0)
      throw usageError('name the entry: autoledger prove <position>, or --tx <id>')
    if (author !== undefined) throw usageError('--author goes with --tx')
    return wholeNumber(ctx.positionals[0], '<position>')
  }
  if (ctx.positionals.length > 0) throw usageError('give a position or --tx, not both')
  return {
    id: txId(id),
    author: author === undefined ? undefined : hexKey(author, 'writer key', '--author')
  }
}
