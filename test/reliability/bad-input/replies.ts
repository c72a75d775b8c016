import { REJECT_REASONS, ERROR_CODES, httpStatusOf } from '../../../lib/index.js'

/** Every code the CLI and the HTTP API may show (README: exit codes, HTTP errors, rejection codes). */
export const DOCUMENTED_CODES = new Set<string>([...ERROR_CODES, ...REJECT_REASONS])

/** Checks one error reply: documented status for a documented code, JSON `{ code, message }`, one-line message. */
export function checkErrorReply(
  status: number,
  text: string,
  contentType: string | undefined
): string | null {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return `status ${status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`
  }
  const { code, message } = (body ?? {}) as { code?: unknown; message?: unknown }
  if (typeof code !== 'string' || typeof message !== 'string')
    return `status ${status} without { code, message }: ${text.slice(0, 200)}`
  if (!DOCUMENTED_CODES.has(code)) return `undocumented code ${code}`
  if (httpStatusOf(code) !== status)
    return `${code} came with status ${status}, documented ${httpStatusOf(code)}`
  if (/[\r\n]/.test(message) || message.length === 0 || message.length > 500)
    return `${code}: the message is not one line: ${JSON.stringify(message.slice(0, 200))}`
  if (contentType !== undefined && !contentType.startsWith('application/json'))
    return `${code}: content-type ${contentType}`
  return null
}
