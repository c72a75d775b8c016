import type { Random } from '../helpers/random.js'
import { seededReport } from './report.js'
import { CONVERGE_TIMEOUT_MS } from '../helpers/timeouts.js'
import type { Report } from './report.js'
import { median } from '../../bench/harness/stats.js'
import { Cluster, checkAcknowledged, fund, stopAndAudit } from './cluster.js'
import type { Daemon } from './cluster.js'
import { Load, POOL } from './load.js'
import { CommandWrites } from './commands.js'
import { replayCluster } from './replay.js'
import { pollUntil } from '../../lib/cli/processes.js'
import { pause } from '../helpers/wait.js'
import { dataPaths } from '../../lib/datadir/config.js'
import { DirLock } from '../../lib/datadir/lock.js'
import { pidAlive } from '../../lib/datadir/files.js'
import type { Head } from '../../lib/index.js'

export interface CrashCommandsOptions {
  /** SIGKILLs of the creator's daemon. */
  kills: number
  seed: number
  /** Indexers: the creator and the next ones; one more daemon is a plain writer. Default 1 (a new ledger's own). */
  indexers?: number
  /** Called after each kill and restart, for progress on long runs. */
  onKill?: (done: number, of: number, restartMs: number) => void
}

/** The creator's daemon runs this long (ms) between a restart and the next kill: 0.4-1.6 s. */
const UP_MS = [400, 1600]
/** And stays down this long before it is started again: 0.1-0.5 s. */
const DOWN_MS = [100, 500]
/** How long a restart may keep failing because a command holds the directory (ms). */
const RESTART_TIMEOUT_MS = 30_000

/**
 * The way the ledger forked in the field: the creator is the only indexer (a new ledger's
 * default) beside a plain writer, both write through short-lived `autoledger put` commands and
 * through HTTP, and the creator's daemon is SIGKILLed at random moments and started again 0.1-0.5 s
 * later, so that between its runs the creator's commands open its store themselves. Commands are
 * also SIGKILLed or SIGTERMed while they hold the store. Then: every acknowledged write is in the
 * ledger, every node holds the same final head, a fresh node replaying every writer log from
 * scratch derives that same ledger, no ledger holds a block twice, and every store passes the audit.
 */
export async function runCrashCommands({
  kills,
  seed,
  indexers = 1,
  onKill
}: CrashCommandsOptions): Promise<Report> {
  const { report, rnd } = seededReport(
    `crash with commands (${indexers} indexer${indexers === 1 ? '' : 's'})`,
    seed
  )
  report.figures.indexers = indexers
  const cluster = await Cluster.start({ size: indexers + 1, indexers })
  const creator = cluster.daemons[0]
  const restartMs: number[] = []
  try {
    await fund(cluster, POOL, 1_000_000n)
    const load = new Load(cluster.daemons, rnd)
    const commands = new CommandWrites(cluster.daemons, rnd)
    load.start()
    commands.start()
    for (let k = 0; k < kills; k++) {
      await pause(between(rnd, UP_MS)) // a random moment: the fault schedule is the point of the wait
      await creator.kill()
      report.count('daemon kills')
      const down = pause(between(rnd, DOWN_MS))
      // While the daemon is down the creator's commands open its store: now and then one dies holding it.
      if (rnd.next() < 0.5) {
        const signal = rnd.next() < 0.5 ? 'SIGKILL' : 'SIGTERM'
        if (await commands.killHolder(creator, signal, 300))
          report.count(
            `commands ${signal === 'SIGKILL' ? 'SIGKILLed' : 'SIGTERMed'} holding the store`
          )
      }
      await down
      if (rnd.next() < 0.25 && (await killWhileStarting(creator, rnd.int(800)))) {
        report.count('daemon kills while starting')
        await pause(between(rnd, DOWN_MS))
      }
      const started = Date.now()
      const refused = await startDespiteLocked(creator, commands)
      if (refused > 0)
        report.count('daemon starts refused with LOCKED (a command held the directory)', refused)
      if (Date.now() - started > Math.max(0, ...restartMs))
        report.figures.slowestRestart = timeline(started, creator.proc?.tail ?? [])
      restartMs.push(Date.now() - started)
      load.wake()
      onKill?.(k + 1, kills, Date.now() - started)
    }
    await load.acked(50)
    await commands.acked(4)
    await Promise.all([load.stop(), commands.stop()])
    load.record(report, 'HTTP transactions acknowledged')
    report.count('put commands acknowledged', commands.acks.length)
    report.count('commands cut by a daemon kill', commands.cut)
    report.count('commands killed (not acknowledged)', commands.killed)
    report.count('BUSY replies (back-pressure, retried)', commands.busy)
    report.check(
      'no command failed, other than those killed or cut by a kill',
      commands.errors.size === 0,
      `${JSON.stringify(Object.fromEntries(commands.errors))}${commands.failures.map((f) => `; ${f}`).join('')}`
    )
    report.figures.restartP50Ms = median(restartMs)
    report.figures.restartMaxMs = Math.max(...restartMs)

    const head = await finalHead(cluster, report)
    await checkAcknowledged(cluster, [...load.acks, ...commands.acks], report, {
      identical: head !== null
    })
    await replayCluster(cluster, report)
    if (head !== null) await stopAndAudit(cluster, head, report)
  } catch (err) {
    // Where it failed, in the daemons too: an error a daemon answered with is logged there.
    const e = err as Error
    e.message = `${e.message}\n${await cluster.describe()}\n${cluster.logs(8)}`
    throw e
  } finally {
    await cluster.destroy()
  }
  return report
}

/**
 * Start the daemon. `run` waits for a command that holds the directory; should it still give up
 * with LOCKED (commands kept winning the lock for RUN_LOCK_WAIT_MS), hold the daemon's next
 * commands, wait for the running one to let go, and try again. Resolves with how many starts were refused.
 */
async function startDespiteLocked(d: Daemon, commands: CommandWrites): Promise<number> {
  const lock = new DirLock(dataPaths(d.dir).lock, d.dir)
  const deadline = Date.now() + RESTART_TIMEOUT_MS
  try {
    for (let refused = 0; ; refused++) {
      try {
        await d.start()
        return refused
      } catch (err) {
        if (!/LOCKED/.test((err as Error).message) || Date.now() > deadline) throw err
      }
      commands.pause(d)
      await untilUnlocked(lock, deadline, d.name)
    }
  } finally {
    commands.resume(d)
  }
}

async function untilUnlocked(lock: DirLock, deadline: number, name: string): Promise<void> {
  await pollUntil(
    async () => {
      const owner = await lock.owner()
      return owner === null || !pidAlive(owner) ? true : null
    },
    Math.max(0, deadline - Date.now()),
    `the command holding ${name}'s directory to finish`,
    20
  )
}

/** A daemon's start-up as `event +seconds` from `started`, read from its JSON log lines: where a slow restart spent its time. */
function timeline(started: number, lines: string[]): string {
  const events: string[] = []
  for (const line of lines) {
    try {
      const { time, event } = JSON.parse(line) as { time: string; event: string }
      events.push(`${event} +${((Date.parse(time) - started) / 1000).toFixed(1)}s`)
    } catch {}
  }
  return events.join(', ')
}

/** Spawn the daemon and SIGKILL it `ms` later, unless it exited by itself first (LOCKED); resolves with whether it was killed. */
async function killWhileStarting(d: Daemon, ms: number): Promise<boolean> {
  const proc = d.spawn()
  const exited = await Promise.race([proc.exited.then(() => true), pause(ms).then(() => false)])
  if (exited) return false
  await d.kill()
  return true
}

/** One final head on every node, or null (with the failed check recorded) when they never agree. */
async function finalHead(cluster: Cluster, report: Report): Promise<Head | null> {
  try {
    const { head, ms } = await cluster.converged(CONVERGE_TIMEOUT_MS)
    report.figures.convergeAfterLastKillMs = ms
    report.figures.entries = head.length
    report.check(
      'all nodes reach the same final head hash',
      true,
      `${head.length} entries, ${head.hash.slice(0, 16)}`
    )
    return head
  } catch (err) {
    report.check(
      'all nodes reach the same final head hash',
      false,
      (err as Error).message.replace(/\n/g, '; ')
    )
    return null
  }
}

function between(rnd: Random, [lo, hi]: number[]): number {
  return lo + rnd.int(hi - lo + 1)
}
