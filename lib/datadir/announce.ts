import fs from 'fs/promises'
import { writeFileAtomic, pidAlive, readJson } from './files.js'
import { DirLock } from './lock.js'
import type { DataPaths } from './config.js'

/** What a running daemon writes to `<dir>/daemon.json` so that CLI commands can find it. */
export interface Announcement {
  pid: number
  /** Base URL of the HTTP API, e.g. http://127.0.0.1:41234 */
  url: string
  /** Ledger key (hex). */
  key: string
  startedAt: string
}

export async function announce(file: string, a: Announcement): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(a, null, 2) + '\n')
}

/** Remove the announcement if it is ours. */
export async function unannounce(file: string): Promise<void> {
  const a = await readAnnouncement(file)
  if (a !== null && a.pid === process.pid) await fs.rm(file, { force: true })
}

/** The announcement of a daemon whose process is still alive, else null (a stale file is ignored). */
async function findDaemon(file: string): Promise<Announcement | null> {
  const a = await readAnnouncement(file)
  return a !== null && pidAlive(a.pid) ? a : null
}

/**
 * The daemon announced in daemon.json, if it is really there: its process is alive, it holds the
 * directory's lock, and its URL is an http URL. A daemon.json left by a killed daemon (its pid gone,
 * or reused by an unrelated process) is ignored.
 */
export async function runningDaemon(paths: DataPaths): Promise<Announcement | null> {
  const daemon = await findDaemon(paths.announce)
  if (daemon === null) return null
  if ((await new DirLock(paths.lock, paths.dir).owner()) !== daemon.pid) return null
  try {
    if (new URL(daemon.url).protocol !== 'http:') return null
  } catch {
    return null
  }
  return daemon
}

async function readAnnouncement(file: string): Promise<Announcement | null> {
  const v = (await readJson(file)) as Partial<Announcement> | null
  if (
    v === null ||
    typeof v !== 'object' ||
    typeof v.pid !== 'number' ||
    typeof v.url !== 'string' ||
    typeof v.key !== 'string'
  )
    return null
  return { pid: v.pid, url: v.url, key: v.key, startedAt: String(v.startedAt ?? '') }
}
