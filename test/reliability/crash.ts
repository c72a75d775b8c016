import { seededReport } from './report.js'
import { CONVERGE_TIMEOUT_MS } from '../helpers/timeouts.js'
import type { Report } from './report.js'
import { median } from '../../bench/harness/stats.js'
import { Cluster, checkAcknowledged, fund, replayAndAudit } from './cluster.js'
import type { Daemon } from './cluster.js'
import { Load, POOL } from './load.js'

export interface CrashOptions {
  /** SIGKILLs in all. */
  kills: number
  seed: number
  /** Daemons in the cluster. Default 3. */
  size?: number
  /** How many of them (the first ones) are indexers. Default: all. */
  indexers?: number
  /** Called after each kill and restart, for progress on long runs. */
  onKill?: (done: number, of: number, restartMs: number) => void
}

/**
 * Writers and indexers killed with SIGKILL at random moments under write load, one at a time,
 * and restarted; a quarter of the kills land while the daemon is still starting. Then: every
 * acknowledged transaction is on every node with the same outcome and position, all nodes hold
 * the same final head, a fresh node replaying every writer log derives it, every store reopens and
 * passes the audit.
 */
export async function runCrash({
  kills,
  seed,
  size = 3,
  indexers = size,
  onKill
}: CrashOptions): Promise<Report> {
  const { report, rnd } = seededReport(`crash (${indexers} of ${size} indexers)`, seed)
  const cluster = await Cluster.start({ size, indexers })
  const restartMs: number[] = []
  try {
    await fund(cluster, POOL, 1_000_000n)
    const load = new Load(cluster.daemons, rnd)
    load.start()
    for (let k = 0; k < kills; k++) {
      await load.acked(10 + rnd.int(150)) // a random moment, measured in acknowledged writes
      const victim = rnd.pick(cluster.daemons)
      await victim.kill()
      report.count('kills')
      if (rnd.next() < 0.25) {
        await killWhileStarting(victim, rnd.int(3))
        report.count('kills while starting')
      }
      const started = Date.now()
      await victim.start()
      restartMs.push(Date.now() - started)
      load.wake()
      onKill?.(k + 1, kills, Date.now() - started)
    }
    try {
      await load.acked(50)
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${await cluster.describe()}\n${cluster.logs(8)}`)
    }
    await load.stop()
    load.record(report)
    report.count('submits answered', load.latencies.length)

    const { head, ms } = await cluster.converged(CONVERGE_TIMEOUT_MS)
    report.figures.convergeAfterLastKillMs = ms
    report.figures.entries = head.length
    report.figures.restartP50Ms = median(restartMs)
    report.figures.restartMaxMs = Math.max(...restartMs)
    report.check(
      'all nodes reach the same final head hash',
      true,
      `${head.length} entries, ${head.hash.slice(0, 16)}`
    )

    await checkAcknowledged(cluster, load.acks, report)
    await replayAndAudit(cluster, head, report)
  } finally {
    await cluster.destroy()
  }
  return report
}

/** Restart, then SIGKILL again once the daemon has logged `lines` lines (0: at once). */
async function killWhileStarting(d: Daemon, lines: number): Promise<void> {
  const proc = d.spawn()
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (proc.tail.length >= lines) resolve()
    }
    check()
    proc.child.stderr!.on('data', check)
    void proc.exited.then(() => resolve())
  })
  if (!d.running)
    throw new Error(`daemon ${d.name} exited by itself while starting:\n${proc.tail.join('\n')}`)
  await d.kill()
}
