import { finished } from 'stream/promises'
import { int } from '../command.js'
import type { Command } from '../command.js'
import { withLedger } from '../connect.js'
import { stringify } from '../../api/json.js'
import { openNewFile } from '../new-file.js'

/** Entries fetched per request. */
const PAGE = 1000

export const exportCommand: Command = {
  name: 'export',
  summary:
    "Write the ledger's entries as NDJSON, one per line with its stored bytes and hashes: an archive anyone can check.",
  options: {
    gte: {
      type: 'string',
      value: '<position>',
      description: 'start at this ledger position (default 0)'
    },
    lt: {
      type: 'string',
      value: '<position>',
      description:
        'stop before this position (default: the final length, the part that never changes)'
    },
    out: { type: 'string', value: '<file>', description: 'write to this file instead of stdout' }
  },
  details: [
    'Each line is an entry as `autoledger log --json` prints it, plus `bytes`: the stored entry, whose',
    'last 32 bytes are its hash, BLAKE2b-256 of the bytes before them, which include the previous',
    "entry's hash: the chain can be checked line by line with nothing but the format."
  ],
  async run(ctx) {
    const out: NodeJS.WritableStream =
      typeof ctx.values.out === 'string'
        ? (await openNewFile(ctx.values.out, 'export')).createWriteStream()
        : process.stdout
    const progress = out !== process.stdout && process.stderr.isTTY === true
    let written = 0
    await withLedger(ctx.dir, async ({ ops }) => {
      let next: number | null = int(ctx, 'gte') ?? 0
      const lt = int(ctx, 'lt')
      while (next !== null) {
        const page = await ops.exportEntries({ gte: next, lt, limit: PAGE })
        for (const entry of page.items) {
          if (!out.write(stringify(entry) + '\n'))
            await new Promise<void>((resolve) => out.once('drain', () => resolve()))
          written++
        }
        if (progress) process.stderr.write(`\rexport: ${written} entries`)
        next = page.next
      }
    })
    if (out !== process.stdout) {
      out.end()
      await finished(out)
      if (progress) process.stderr.write('\n')
      ctx.out.note(`wrote ${written} entries to ${ctx.values.out}`)
    }
  }
}
