import path from 'path'
import fs from 'fs/promises'
import { LoopbackDaemons } from '../../helpers/daemon.js'
import type { DaemonProc } from '../../helpers/daemon.js'
import { pool } from '../../helpers/pool.js'
import { Report } from '../report.js'
import { checkErrorReply } from './replies.js'
import { mountTmpfs, remount, umount } from './tmpfs.js'

export interface DiskSizes {
  /** Size of the small file system (MiB). Default 24. */
  diskMiB?: number
  /** The daemon's reserve (--min-free, MiB). Default 6. */
  minFreeMiB?: number
}

interface Acked {
  ids: string[]
  refused: { status: number; code: string | null; text: string } | null
}

/** POST batches of large puts until a write is refused (or `max` batches); the ids of every acknowledged transaction. */
async function fillDisk(url: string, token: string, max: number, tag: string): Promise<Acked> {
  const ids: string[] = []
  const value = 'x'.repeat(8000)
  for (let i = 0; i < max; i++) {
    const body = JSON.stringify(
      Array.from({ length: 8 }, (_, j) => ({ type: 'put', key: `${tag}/${i}/${j}`, value }))
    )
    let res: Response
    try {
      res = await fetch(`${url}/v1/transactions`, {
        method: 'POST',
        body,
        headers: { Authorization: `Bearer ${token}` }
      })
    } catch (err) {
      return { ids, refused: { status: 0, code: null, text: (err as Error).message } }
    }
    const text = await res.text()
    if (res.status !== 200) {
      let code: string | null = null
      try {
        code = (JSON.parse(text) as { code?: string }).code ?? null
      } catch {}
      return { ids, refused: { status: res.status, code, text } }
    }
    for (const t of (JSON.parse(text) as { transactions: Array<{ id: string }> }).transactions)
      ids.push(t.id)
  }
  return { ids, refused: null }
}

async function missing(url: string, ids: string[]): Promise<string[]> {
  const gone: string[] = []
  await pool(ids, 8, async (id) => {
    const res = await fetch(`${url}/v1/transactions/${id}`)
    if (res.status !== 200) gone.push(id)
    await res.arrayBuffer()
  })
  return gone
}

/**
 * A data directory on a small tmpfs, written until the disk fills. With the reserve (--min-free), writes
 * are refused with DISK_FULL, reads go on, and writes resume once there is room. Without it, RocksDB's
 * own write fails: the daemon stops cleanly with DISK_FULL in its log. Either way no acknowledged
 * write is lost. Needs root (mount); skipped otherwise.
 */
export async function diskFull(sizes: DiskSizes = {}): Promise<Report> {
  const report = new Report('bad input: full disk')
  const scene = await LoopbackDaemons.open('bad-input')
  const mnt = path.join(scene.root, 'mnt')
  await fs.mkdir(mnt)
  const diskMiB = sizes.diskMiB ?? 24
  if (!(await mountTmpfs(mnt, diskMiB))) {
    report.figures.skipped = 'cannot mount a tmpfs here (needs root)'
    await scene.close()
    return report
  }
  let daemon: DaemonProc
  try {
    const { dir } = await scene.init(path.join('mnt', 'node'))

    // With the reserve: DISK_FULL, reads go on, writes resume when there is room.
    daemon = await scene.run(dir, ['--min-free', String(sizes.minFreeMiB ?? 6)])
    const first = await fillDisk(daemon.url, daemon.token, 2000, 'a')
    report.count('disk: acknowledged writes', first.ids.length)
    report.figures.refusedAfterMiB = Math.round(
      (await fs.statfs(mnt).then((s) => (s.blocks - s.bavail) * s.bsize)) / 1024 / 1024
    )
    report.check(
      'a write on a full disk is refused with 507 DISK_FULL',
      first.refused?.status === 507 &&
        first.refused.code === 'DISK_FULL' &&
        checkErrorReply(507, first.refused.text, undefined) === null,
      JSON.stringify(first.refused)
    )
    const again = await fillDisk(daemon.url, daemon.token, 3, 'again')
    report.count('disk: refused writes', 1 + (again.refused === null ? 0 : 1))
    report.check(
      'and so is the next one',
      again.ids.length === 0 && again.refused?.code === 'DISK_FULL',
      JSON.stringify(again.refused)
    )
    const head = await fetch(`${daemon.url}/v1/head`).then(async (r) => ({
      status: r.status,
      json: (await r.json()) as { length: number; hash: string }
    }))
    const status = await fetch(`${daemon.url}/v1/status`)
    await status.arrayBuffer()
    report.check(
      'the daemon stays up and serves reads',
      daemon.proc.running && head.status === 200 && status.status === 200,
      `running ${daemon.proc.running}, head ${head.status}, status ${status.status}`
    )
    const gone = await missing(daemon.url, first.ids)
    report.check(
      'every acknowledged write is readable',
      gone.length === 0,
      `${gone.length} of ${first.ids.length} missing`
    )
    await remount(mnt, `size=${diskMiB * 3}m`)
    const resumed = await fillDisk(daemon.url, daemon.token, 1, 'resumed')
    report.check(
      'with room again, writes resume without a restart',
      resumed.ids.length === 8,
      JSON.stringify(resumed.refused)
    )
    const code = await daemon.proc.stop()
    report.check('SIGTERM on the full-disk daemon exits 0', code === 0, `exit ${code}`)

    // Without the reserve: RocksDB itself runs out of space.
    const used = await fs.statfs(mnt).then((s) => (s.blocks - s.bavail) * s.bsize)
    await remount(mnt, `size=${Math.ceil((used * 2) / 1024 / 1024) + 8}m`) // reopening writes the log out once more
    daemon = await scene.run(dir, ['--min-free', '0'])
    const raw = await fillDisk(daemon.url, daemon.token, 2000, 'b')
    report.count('disk: acknowledged writes without the reserve', raw.ids.length)
    const exit = await Promise.race([
      daemon.proc.exited,
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 20_000))
    ])
    const logged = daemon.proc.stderrLines.find((l) => l.includes('"event":"node-error"'))
    const last = daemon.proc.stderrLines.at(-1) ?? ''
    report.figures.withoutReserve = `refused ${JSON.stringify(raw.refused).slice(0, 200)}; exit ${exit}; ${logged?.slice(0, 300) ?? 'no node-error'}`
    report.check(
      'without the reserve, a write failing in RocksDB stops the daemon cleanly: DISK_FULL logged, exit 1 with one line naming DISK_FULL',
      exit === 1 &&
        logged !== undefined &&
        logged.includes('"code":"DISK_FULL"') &&
        /^autoledger: DISK_FULL: \S/.test(last),
      `exit ${exit}; ${logged ?? ''}; last line: ${last}`
    )
    await daemon.proc.stop('SIGKILL')

    await remount(mnt, `size=${diskMiB * 4}m`)
    daemon = await scene.run(dir, ['--min-free', String(sizes.minFreeMiB ?? 6)])
    const lost = await missing(daemon.url, [...first.ids, ...resumed.ids, ...raw.ids])
    report.check(
      'after remounting bigger the store reopens and every acknowledged write is there',
      lost.length === 0,
      `${lost.length} missing`
    )
    const after = await fillDisk(daemon.url, daemon.token, 1, 'after')
    report.check('and takes writes again', after.ids.length === 8, JSON.stringify(after.refused))
    await daemon.proc.stop()
    return report
  } finally {
    await scene.killDaemons()
    await umount(mnt)
    await scene.close()
  }
}
