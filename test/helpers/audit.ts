import b4a from 'b4a'
import type { LedgerNode, Entry } from '../../lib/index.js'
import { verifyEntry } from '../../lib/index.js'

export interface Audit {
  entries: Entry[]
  /** Outcome of each transaction id's first use in ledger order (by any writer): its outcome and reason. */
  outcomes: Map<string, string>
  /** Outcome of each transaction, keyed `<author>:<id>` (ids are scoped per writer). */
  byAuthor: Map<string, string>
  balances: Map<string, bigint>
}

/**
 * Read a node's whole ledger and check what must hold on every honest node: the hash chain links
 * every entry to the one before, each (author, id) has one outcome (the same writer's later uses are
 * DUPLICATE_ID; other writers' uses of the same id bytes are their own transactions), balances
 * replayed from accepted entries match the node's own balances and sum to its supply, and every
 * record's and account's history (read in small pages) is exactly its accepted entries, newest first.
 */
export async function audit(node: LedgerNode): Promise<Audit> {
  const entries: Entry[] = []
  for (let next: number | null = 0; next !== null;) {
    const page = await node.entries({ gte: next, limit: 1000 })
    entries.push(...page.items)
    next = page.next
  }
  const outcomes = new Map<string, string>()
  const byAuthor = new Map<string, string>()
  const balances = new Map<string, bigint>()
  const chains = new Map<string, number[]>()
  const touch = (subject: string, position: number): void => {
    const chain = chains.get(subject) ?? []
    if (chain[chain.length - 1] !== position) chain.push(position)
    chains.set(subject, chain)
  }
  let prev = b4a.toString(b4a.alloc(32), 'hex')
  for (const [i, e] of entries.entries()) {
    if (e.position !== i) throw new Error(`entry ${i} says position ${e.position}`)
    if (e.prevHash !== prev) throw new Error(`entry ${i} does not chain to entry ${i - 1}`)
    prev = e.hash
    if (e.id !== null) {
      const key = `${e.writer}:${e.id}`
      if (!outcomes.has(e.id)) outcomes.set(e.id, e.reason ?? 'accepted')
      if (!byAuthor.has(key)) {
        byAuthor.set(key, e.reason ?? 'accepted')
        if (e.reason === 'DUPLICATE_ID')
          throw new Error(`id ${e.id} of ${e.writer} is a DUPLICATE_ID at its first use, ${i}`)
      } else if (e.reason !== 'DUPLICATE_ID')
        throw new Error(`id ${e.id} of ${e.writer} has a second outcome at ${i}`)
    }
    if (e.outcome !== 'accepted' || e.tx === null) continue
    const add = (account: string, delta: bigint): void => {
      const next = (balances.get(account) ?? 0n) + delta
      if (next < 0n) throw new Error(`account ${account} negative at entry ${i}`)
      balances.set(account, next)
    }
    if (e.tx.type === 'mint') add(e.tx.account, e.tx.amount)
    if (e.tx.type === 'transfer') {
      add(e.tx.from, -e.tx.amount)
      add(e.tx.to, e.tx.amount)
    }
    if (e.tx.type === 'put' || e.tx.type === 'del') touch('r:' + e.tx.key, i)
    if (e.tx.type === 'open-account' || e.tx.type === 'add-owner' || e.tx.type === 'mint')
      touch('a:' + e.tx.account, i)
    if (e.tx.type === 'transfer') {
      touch('a:' + e.tx.from, i)
      touch('a:' + e.tx.to, i)
    }
  }
  for (const [subject, chain] of chains) {
    const name = subject.slice(2)
    const read = (opts: { lt?: number; limit: number }) =>
      subject.startsWith('r:') ? node.history(name, opts) : node.accountHistory(name, opts)
    const seen: number[] = []
    for (let lt: number | undefined, pages = 0; pages === 0 || lt !== undefined; pages++) {
      const page = await read({ lt, limit: 3 })
      seen.push(...page.items.map((e) => e.position))
      lt = page.next ?? undefined
    }
    const expected = [...chain].reverse()
    if (seen.join() !== expected.join())
      throw new Error(`history of ${subject}: ${seen.join()} but expected ${expected.join()}`)
  }
  let sum = 0n
  for (const [account, balance] of balances) {
    const stored = (await node.balance(account)).balance
    if (stored !== balance)
      throw new Error(`account ${account}: stored ${stored}, replayed ${balance}`)
    sum += balance
  }
  const status = await node.status()
  if (status.supply !== sum.toString())
    throw new Error(`supply ${status.supply} but balances sum to ${sum}`)
  return { entries, outcomes, byAuthor, balances }
}

/** Check stored entries against their own hashes (the bytes, not just the chain fields). */
export async function verifyLog(node: LedgerNode): Promise<boolean> {
  for (let i = 0; i < node.length; i++) {
    const bytes = await node.base.view.log.get(i, { wait: false }) // a missing entry is a failure, not a wait
    if (bytes === null || !verifyEntry(bytes)) return false
  }
  return true
}
