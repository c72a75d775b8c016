import type { Random } from '../helpers/random.js'
import type { Daemon } from './cluster.js'

/** One write loop per daemon, started together and stopped together; loops park on `waiters` until woken. */
export abstract class DaemonLoops {
  protected stopped = false
  protected readonly waiters: Array<() => void> = []
  private loops: Array<Promise<void>> = []

  constructor(
    protected readonly daemons: Daemon[],
    protected readonly rnd: Random
  ) {}

  start(): void {
    this.loops = this.daemons.map((d) => this.loop(d))
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.wake()
    await Promise.all(this.loops)
  }

  /** Wake every parked loop and waiter. */
  wake(): void {
    for (const w of this.waiters.splice(0)) w()
  }

  protected abstract loop(d: Daemon): Promise<void>
}
