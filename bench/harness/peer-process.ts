import { fork } from 'child_process'
import type { ChildProcess } from 'child_process'
import path from 'path'
import { fileURLToPath } from 'url'
import type { PeerBase, PeerRole, Request, Reply } from '../peer/protocol.js'
import type { Defer } from './context.js'

const PEER_MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'peer', 'main.js')
const SHUTDOWN_TIMEOUT_MS = 20_000

type Params<F> = F extends (p: infer P) => unknown ? P : never
type Result<F> = F extends (...args: never[]) => Promise<infer R> ? R : never

export interface SpawnOptions {
  /** Extra node flags for this process, e.g. `--cpu-prof`. */
  execArgv?: string[]
  /** A name for error messages. */
  name?: string
  /** Another peer program speaking the same protocol (the OrbitDB peer). Default: bench/peer/main.js. */
  program?: string
}

/** A forked peer process and a typed request channel to it. */
export class PeerProcess<Api extends PeerBase> {
  private nextId = 1
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; method: string }
  >()
  private exited = false
  readonly exit: Promise<number | null>

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string
  ) {
    child.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id)
      if (waiter === undefined) return
      this.pending.delete(reply.id)
      if (reply.ok) waiter.resolve(reply.result)
      else waiter.reject(new Error(`${this.name}.${waiter.method}: ${reply.error.message}`))
    })
    this.exit = new Promise((resolve) => {
      child.on('exit', (code) => {
        this.exited = true
        for (const waiter of this.pending.values())
          waiter.reject(new Error(`${this.name} exited (code ${code}) during ${waiter.method}`))
        this.pending.clear()
        resolve(code)
      })
    })
  }

  static spawn<Api extends PeerBase>(
    role: PeerRole | 'orbitdb',
    opts: SpawnOptions = {}
  ): PeerProcess<Api> {
    const child = fork(opts.program ?? PEER_MAIN, [role], {
      serialization: 'advanced',
      execArgv: opts.execArgv ?? [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc']
    })
    return new PeerProcess<Api>(child, opts.name ?? role)
  }

  /** Spawn a peer that is shut down at the run's teardown. */
  static start<Api extends PeerBase>(
    defer: Defer,
    role: PeerRole | 'orbitdb',
    opts: SpawnOptions = {}
  ): PeerProcess<Api> {
    const peer = PeerProcess.spawn<Api>(role, opts)
    defer(() => peer.shutdown())
    return peer
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  call<K extends keyof Api & string>(method: K, params?: Params<Api[K]>): Promise<Result<Api[K]>> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`))
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method })
      const req: Request = { id, method, params }
      this.child.send(req)
    })
  }

  /** Ask the peer to close what it opened and exit; kill it if it does not within the timeout. */
  async shutdown(): Promise<void> {
    if (this.exited) return
    const timer = setTimeout(() => this.child.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS)
    try {
      await this.call('shutdown' as keyof Api & string).catch(() => {})
      await this.exit
    } finally {
      clearTimeout(timer)
    }
  }
}
