import { WAIT_MODES, MAX_SUBMIT_WAIT_MS, DEFAULT_SUBMIT_WAIT_MS } from '../api/operations.js'
import type { SubmitOptions, WaitMode, LedgerOps, SubmitResult } from '../api/operations.js'
import { usageError, str, int } from './command.js'
import type { CommandContext, OptionSpec } from './command.js'
import { withLedger } from './connect.js'

/** Flags of every command that writes a transaction. */
export const WRITE_OPTIONS: Record<string, OptionSpec> = {
  wait: {
    type: 'string',
    value: '<mode>',
    description:
      'applied (default): until this node has applied it; final: until its outcome is final; none: return at once'
  },
  timeout: {
    type: 'string',
    value: '<ms>',
    description: `longest wait for the outcome (default ${DEFAULT_SUBMIT_WAIT_MS})`
  }
}

export const WRITE_DETAILS = [
  'Prints the outcome (accepted, or rejected with a reason) and the ledger position. A rejection',
  'is recorded in the ledger like any entry, and the command exits 1.'
]

export function submitOptions(ctx: CommandContext): SubmitOptions {
  const wait = str(ctx, 'wait') ?? 'applied'
  if (!(WAIT_MODES as readonly string[]).includes(wait))
    throw usageError(`--wait must be one of ${WAIT_MODES.join(', ')}`)
  const timeout = int(ctx, 'timeout') ?? DEFAULT_SUBMIT_WAIT_MS
  if (timeout > MAX_SUBMIT_WAIT_MS)
    throw usageError(`--timeout is at most ${MAX_SUBMIT_WAIT_MS} ms`)
  return { wait: wait as WaitMode, timeout }
}

/** Submit through the daemon or the local store, and print the outcome. */
export async function write(
  ctx: CommandContext,
  fn: (ops: LedgerOps, opts: SubmitOptions) => Promise<SubmitResult>
): Promise<void> {
  const opts = submitOptions(ctx)
  const result = await withLedger(ctx.dir, ({ ops }) => fn(ops, opts))
  ctx.out.submitted(result)
}

/** This node's writer key: the account a writer owns without opening it. */
export async function ownAccount(ops: LedgerOps): Promise<string> {
  return (await ops.status()).writerKey
}
