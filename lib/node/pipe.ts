/** Anything that makes a replication stream: a LedgerNode or an Autobase. */
export interface Replicates {
  replicate(isInitiator: boolean): unknown
}

/** Pipe replication streams between two in-process peers; returns a function that cuts the link. */
export function pipeReplication(a: Replicates, b: Replicates): () => void {
  const s1 = a.replicate(true) as NodeJS.ReadWriteStream & { destroy(): void }
  const s2 = b.replicate(false) as NodeJS.ReadWriteStream & { destroy(): void }
  s1.pipe(s2).pipe(s1)
  s1.on('error', () => {})
  s2.on('error', () => {})
  return () => {
    s1.destroy()
    s2.destroy()
  }
}
