import http from 'http'
import net from 'net'
import { seedFromEnv } from '../../helpers/random.js'
import { LoopbackDaemons } from '../../helpers/daemon.js'
import { pool } from '../../helpers/pool.js'
import { LOOPBACK } from '../../helpers/loopback.js'
import { seededReport } from '../report.js'
import type { Report } from '../report.js'
import { checkErrorReply } from './replies.js'
import { offlineStatus } from './store.js'
import { httpCases, rawCases } from './http-cases.js'
import type { HttpCase } from './http-cases.js'
import { MAX_BODY_BYTES } from '../../../lib/http/request.js'

export interface HttpSizes {
  /** Generated requests (plus raw-socket and half-sent cases, about a tenth as many). Default 3000. */
  httpCases?: number
  /** Requests in flight at once. Default 16. */
  concurrency?: number
  seed?: number
}

interface HttpReply {
  status: number
  headers: http.IncomingHttpHeaders
  text: string
}

async function sendHttp(agent: http.Agent, base: URL, c: HttpCase): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...c.headers }
    if (c.body !== undefined && c.chunked !== true)
      headers['Content-Length'] = Buffer.byteLength(c.body)
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: c.method,
        path: c.path,
        headers,
        agent,
        setHost: !('Host' in headers)
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (d: Buffer) => chunks.push(d))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8')
          })
        )
        res.on('error', reject)
      }
    )
    req.on('error', reject)
    req.setTimeout(60_000, () => req.destroy(new Error('no reply within 60 s')))
    if (c.body !== undefined && c.chunked === true) {
      const body = Buffer.from(c.body)
      for (let i = 0; i < body.length; i += 256 * 1024) req.write(body.subarray(i, i + 256 * 1024))
      req.end()
    } else {
      req.end(c.body)
    }
  })
}

/** Raw bytes on a TCP socket: what comes back (empty if the server just closes). */
async function rawSocket(
  port: number,
  data: Buffer | string,
  mode: 'wait' | 'end' | 'destroy'
): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = net.connect(port, LOOPBACK, () => {
      socket.write(data)
      if (mode === 'end') socket.end()
      if (mode === 'destroy') socket.destroy()
    })
    const timer = setTimeout(() => socket.destroy(), 10_000)
    socket.on('data', (d: Buffer) => {
      chunks.push(d)
      // One whole response is enough (a keep-alive server would leave the connection open).
      const text = Buffer.concat(chunks).toString('utf8')
      const res = parseRaw(text)
      const length = /^content-length:\s*(\d+)/im.exec(text)?.[1]
      if (res !== null && length !== undefined && Buffer.byteLength(res.body) >= Number(length))
        socket.destroy()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
  })
}

/** A raw HTTP response: status and body (Content-Length framed; the server closes after an error). */
function parseRaw(
  text: string
): { status: number; contentType: string | undefined; body: string } | null {
  const m = /^HTTP\/1\.1 (\d{3}) [^\r\n]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text)
  if (m === null) return null
  const contentType = /^content-type:\s*([^\r\n]*)/im.exec(m[2])?.[1]
  return { status: Number(m[1]), contentType, body: m[3] }
}

export async function httpBadInput(sizes: HttpSizes = {}): Promise<Report> {
  const { report, rnd: r } = seededReport('bad input: HTTP API', sizes.seed ?? seedFromEnv())
  const scene = await LoopbackDaemons.open('bad-input')
  const agent = new http.Agent({ keepAlive: true, maxSockets: sizes.concurrency ?? 16 })
  try {
    const { dir, writerKey } = await scene.init('node')
    const daemon = await scene.run(dir)
    const base = new URL(daemon.url)
    const get = async (p: string): Promise<any> =>
      JSON.parse((await sendHttp(agent, base, { kind: 'read', method: 'GET', path: p })).text)
    const before = (await get('/v1/head')) as { length: number; hash: string }

    const oversized = Buffer.alloc(MAX_BODY_BYTES + 200_001, 'x')
    const cases = httpCases(r, sizes.httpCases ?? 3000, writerKey, daemon.token, oversized)
    const raw = rawCases(r, Math.ceil((sizes.httpCases ?? 3000) / 10), daemon.token)
    const failures: string[] = []
    const fail = (what: string): void => {
      if (failures.length < 20) failures.push(what)
    }
    const statuses: Record<string, number> = {}
    const goodIds = new Set<string>()
    let serverErrors = 0
    const started = Date.now()
    await pool(cases, sizes.concurrency ?? 16, async (c) => {
      report.count(c.good === true ? 'good writes' : `http: ${c.kind}`)
      let reply: HttpReply
      try {
        reply = await sendHttp(agent, base, c)
      } catch (err) {
        fail(`${c.kind} ${c.method} ${c.path.slice(0, 80)}: no reply (${(err as Error).message})`)
        return
      }
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1
      if (reply.status >= 500) serverErrors++
      if (c.good === true) {
        const item =
          reply.status === 200
            ? (
                JSON.parse(reply.text) as {
                  transactions: Array<{ id: string; entry: { outcome: string } | null }>
                }
              ).transactions[0]
            : null
        if (item?.entry?.outcome !== 'accepted')
          fail(`good write got ${reply.status}: ${reply.text.slice(0, 200)}`)
        else goodIds.add(item.id)
        return
      }
      const what = `${c.kind}: ${c.method} ${c.path.slice(0, 100)}${typeof c.body === 'string' ? ' ' + c.body.slice(0, 120) : ''}`
      if (reply.status < 300) {
        if (c.read !== true)
          fail(`${what}: accepted with ${reply.status}: ${reply.text.slice(0, 200)}`)
        return
      }
      if (c.expect !== undefined && !c.expect.includes(reply.status))
        fail(
          `${what}: status ${reply.status}, expected ${c.expect.join('/')}: ${reply.text.slice(0, 200)}`
        )
      if (c.method === 'HEAD') return
      const problem = checkErrorReply(reply.status, reply.text, reply.headers['content-type'])
      if (problem !== null) fail(`${what}: ${problem}`)
      else if (
        c.codes !== undefined &&
        !c.codes.includes((JSON.parse(reply.text) as { code: string }).code)
      )
        fail(
          `${what}: code ${(JSON.parse(reply.text) as { code: string }).code}, expected ${c.codes.join('/')}`
        )
    })
    report.figures.httpMs = Date.now() - started
    report.figures.statuses = JSON.stringify(statuses)

    let rawReplies = 0
    await pool(raw, 8, async (c) => {
      report.count(`http: ${c.kind}`)
      const text = await rawSocket(Number(base.port), c.data, c.mode)
      if (text.length === 0) {
        if (c.reply) fail(`${c.kind} ${JSON.stringify(String(c.data).slice(0, 60))}: no reply`)
        return
      }
      rawReplies++
      const res = parseRaw(text)
      if (res === null) {
        fail(`${c.kind}: not an HTTP reply: ${JSON.stringify(text.slice(0, 100))}`)
        return
      }
      if (res.status < 300) {
        if (
          c.kind === 'raw malformed HTTP' &&
          /\/v1\/status/.test(String(c.data)) &&
          !/evil/.test(String(c.data))
        )
          return // the one well-formed request in the list
        fail(`${c.kind} ${JSON.stringify(String(c.data).slice(0, 60))}: status ${res.status}`)
        return
      }
      const problem = checkErrorReply(res.status, res.body, res.contentType)
      if (problem !== null)
        fail(`${c.kind} ${JSON.stringify(String(c.data).slice(0, 60))}: ${problem}`)
    })
    report.figures.rawReplies = rawReplies

    report.check(
      'every bad request got its documented status and a one-line { code, message } with a documented code',
      failures.length === 0,
      failures.join('\n')
    )
    report.check(
      'no request made the server fail (no 5xx)',
      serverErrors === 0,
      `${serverErrors} replies with status >= 500`
    )
    report.check(
      'the daemon is still running',
      daemon.proc.running,
      daemon.proc.stderrLines.slice(-5).join('\n')
    )
    const errors = daemon.proc.stderrLines.filter((l) => l.includes('"level":"error"'))
    report.check('the daemon logged no errors', errors.length === 0, errors.slice(0, 5).join('\n'))

    // Only the good writes changed the ledger.
    const after = (await get('/v1/head')) as { length: number; hash: string }
    const added: string[] = []
    for (let gte = before.length; gte < after.length;) {
      const page = (await get(`/v1/entries?gte=${gte}&limit=1000`)) as {
        items: Array<{ id: string; position: number }>
        next: number | null
      }
      added.push(...page.items.map((e) => e.id))
      if (page.next === null) break
      gte = page.next
    }
    const strangers = added.filter((id) => !goodIds.has(id))
    report.check(
      'the ledger grew by exactly the good writes',
      after.length === before.length + goodIds.size && strangers.length === 0,
      `length ${before.length} -> ${after.length}, ${goodIds.size} good writes, ${strangers.length} other entries`
    )

    const last = await sendHttp(agent, base, {
      kind: 'good write',
      method: 'POST',
      path: '/v1/transactions',
      headers: { Authorization: `Bearer ${daemon.token}` },
      body: '{"type":"put","key":"still","value":"serving"}'
    })
    report.check(
      'a good write after all that is accepted',
      last.status === 200,
      `${last.status} ${last.text.slice(0, 200)}`
    )
    const head = (await get('/v1/head')) as { length: number; hash: string }
    report.figures.ledgerLength = head.length

    agent.destroy()
    const code = await daemon.proc.stop()
    report.check('SIGTERM stops the daemon cleanly (exit 0)', code === 0, `exit ${code}`)
    const reopened = await offlineStatus(dir)
    report.check(
      'the store reopens with the same head',
      reopened !== null && reopened.head === head.hash && reopened.length === head.length,
      `daemon head ${head.length}/${head.hash}, reopened ${JSON.stringify(reopened)}`
    )
    return report
  } finally {
    agent.destroy()
    await scene.close()
  }
}
