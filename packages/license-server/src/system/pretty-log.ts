import type { LogFormat } from '../config/load-config.js'
export type { LogFormat }

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
}
const COLORS: Record<number, string> = { 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[41m' }
const DIM = '\x1b[2m'
const RESET = '\x1b[0m'
// Fields every pino line carries, or that the line shows in its own format.
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'req', 'res', 'err'])

/**
 * Whether to pretty-print: `pretty` and `json` are explicit; `auto` pretty-prints on a terminal
 * only, so a service manager, a pipe or a log shipper always gets JSON.
 *
 * @example
 * ```ts
 * usePrettyLog('auto', process.stdout.isTTY) // true in a terminal, false under systemd
 * ```
 */
export function usePrettyLog(format: LogFormat, isTTY: boolean | undefined): boolean {
  return format === 'pretty' || (format === 'auto' && isTTY === true)
}

function field(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value
  return JSON.stringify(value)
}

/**
 * One pino JSON line as `HH:MM:SS LEVEL message  key=value …` (request lines as
 * `GET /v1/... 200 3ms`, errors with their stack). A line that is not JSON passes through.
 *
 * @example
 * ```ts
 * prettyLogLine('{"level":30,"time":0,"msg":"ready","port":3000}', false) // '00:00:00 INFO  ready  port=3000'
 * ```
 */
export function prettyLogLine(line: string, color: boolean): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line.replace(/\n$/, '')
  }
  const level = typeof entry.level === 'number' ? entry.level : 30
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now())
  const clock = time.toISOString().slice(11, 19)
  const parts: string[] = []
  const req = entry.req as { method?: string; url?: string } | undefined
  const res = entry.res as { statusCode?: number } | undefined
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''}`)
  if (res?.statusCode !== undefined) parts.push(String(res.statusCode))
  const extras = Object.entries(entry)
    .filter(([k, v]) => !SHOWN.has(k) && v !== undefined)
    .map(([k, v]) =>
      k === 'responseTime' && typeof v === 'number' ? `${v.toFixed(1)}ms` : `${k}=${field(v)}`,
    )
  const label = LEVELS[level] ?? String(level)
  const tint = color ? (COLORS[level] ?? '') : ''
  let out =
    `${color ? DIM : ''}${clock}${color ? RESET : ''} ${tint}${label}${tint ? RESET : ''} ` +
    [typeof entry.msg === 'string' ? entry.msg : '', ...parts, ...extras]
      .filter((p) => p !== '')
      .join('  ')
  const err = entry.err as { message?: string; stack?: string } | string | undefined
  if (typeof err === 'string') out += `  err=${field(err)}`
  else if (err) out += `\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}`
  return out
}

/**
 * A pino destination that writes readable lines to `out` (a terminal).
 *
 * @example
 * ```ts
 * Fastify({ logger: { level: 'info', stream: prettyLogStream(process.stdout) } })
 * ```
 */
export function prettyLogStream(out: NodeJS.WritableStream & { isTTY?: boolean }): {
  write(line: string): void
} {
  const color = out.isTTY === true && process.env.NO_COLOR === undefined
  return { write: (line) => void out.write(`${prettyLogLine(line, color)}\n`) }
}
