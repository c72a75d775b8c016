export type Level = 'debug' | 'info' | 'warn' | 'error'
export type Fields = Record<string, string | number | boolean | null | undefined>

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 }

export interface LoggerOptions {
  /** One JSON object per line instead of `time level event key=value ...`. Default false. */
  json?: boolean
  /** Lowest level written. Default 'info'. */
  level?: Level
  /** Default process.stderr. */
  stream?: NodeJS.WriteStream
}

/**
 * One line per event on stderr: `2025-01-02T03:04:05.678Z info peer-joined peers=2`, or the
 * same as JSON. On a TTY it can also keep one progress line at the bottom, redrawn under new lines.
 */
export class Logger {
  private readonly json: boolean
  private readonly min: number
  private readonly stream: NodeJS.WriteStream
  private status: string | null = null

  constructor(opts: LoggerOptions = {}) {
    this.json = opts.json ?? false
    this.min = RANK[opts.level ?? 'info']
    this.stream = opts.stream ?? process.stderr
  }

  get tty(): boolean {
    return this.stream.isTTY === true && !this.json
  }

  debug(event: string, fields?: Fields): void {
    this.write('debug', event, fields)
  }
  info(event: string, fields?: Fields): void {
    this.write('info', event, fields)
  }
  warn(event: string, fields?: Fields): void {
    this.write('warn', event, fields)
  }
  error(event: string, fields?: Fields): void {
    this.write('error', event, fields)
  }

  write(level: Level, event: string, fields: Fields = {}): void {
    if (RANK[level] < this.min) return
    const time = new Date().toISOString()
    const line = this.json
      ? JSON.stringify({ time, level, event, ...fields })
      : [
          time,
          level.padEnd(5),
          event,
          ...Object.entries(fields)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}=${formatValue(v)}`)
        ].join(' ')
    if (this.status !== null) this.stream.write('\r\x1b[K')
    this.stream.write(line + '\n')
    if (this.status !== null) this.stream.write(this.status)
  }

  /** Show (or with null, clear) the progress line. Does nothing unless the stream is a TTY. */
  progress(text: string | null): void {
    if (!this.tty) return
    if (text === null) {
      if (this.status !== null) this.stream.write('\r\x1b[K')
      this.status = null
      return
    }
    const columns = this.stream.columns ?? 0
    this.status = text.slice(0, columns > 20 ? columns - 1 : 120)
    this.stream.write('\r\x1b[K' + this.status)
  }
}

function formatValue(v: string | number | boolean | null | undefined): string {
  if (typeof v !== 'string') return String(v)
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)
}
