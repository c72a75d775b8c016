import fs from 'fs/promises'
import { fileURLToPath } from 'url'
import type { ServerResponse } from 'http'

/** The page's files: in lib/http/dashboard/ of the package, found from this module in dist/lib/http/. */
const DIR = new URL('../../../lib/http/dashboard/', import.meta.url)

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard.js': { file: 'dashboard.js', type: 'text/javascript; charset=utf-8' }
}

/** The page may load only its own files and talk only to this daemon. */
const POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

const cache = new Map<string, Buffer>()

export function isDashboardPath(path: string): boolean {
  return Object.hasOwn(FILES, path)
}

/** Send one of the dashboard's static files (they hold no ledger data: the page reads the API). */
export async function sendDashboard(path: string, res: ServerResponse): Promise<void> {
  const { file, type } = FILES[path]
  let body = cache.get(file)
  if (body === undefined) {
    body = await fs.readFile(fileURLToPath(new URL(file, DIR)))
    cache.set(file, body)
  }
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.byteLength,
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer'
  })
  res.end(body)
}
