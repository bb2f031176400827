/** A column of a table: which field, under which header. */
export interface Column {
  key: string
  header: string
  /** Derives the cell from the row; default `row[key]`. */
  get?: (row: Record<string, unknown>) => unknown
}

/** What a command shows a human; under `--json` the command's `data` is printed instead. */
export type Block =
  | { type: 'table'; columns: Column[]; rows: readonly Record<string, unknown>[] }
  | { type: 'record'; record: Record<string, unknown>; keys?: string[] }
  | { type: 'text'; text: string }

/** How to render: colour only on a terminal, never with NO_COLOR or --no-color. */
export interface Style {
  color: boolean
}

const ANSI = {
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  reset: '\u001b[0m',
}

/** Wraps text in an ANSI style when colour is on. */
export function paint(style: Style, tone: keyof typeof ANSI, text: string): string {
  return style.color ? `${ANSI[tone]}${text}${ANSI.reset}` : text
}

const STATUS_TONE: Record<string, keyof typeof ANSI> = {
  active: 'green',
  valid: 'green',
  ok: 'green',
  VALID: 'green',
  suspended: 'yellow',
  GRACE_EXPIRED: 'yellow',
  retired: 'yellow',
  revoked: 'red',
  expired: 'red',
  error: 'red',
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/

/** Seconds as people say them: `90` -> `90s`, `3600` -> `1h`, `86400` -> `1d`. */
function duration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`
  }
  return `${seconds}s`
}

/** A license policy in words: `expiry grace 14d, offline grace 30d, heartbeat 1h, 1 deployment`. */
export function formatPolicy(policy: Record<string, unknown>): string {
  const parts: string[] = []
  const num = (k: string): number | undefined =>
    typeof policy[k] === 'number' ? policy[k] : undefined
  const expiry = num('expiryGraceDays')
  const offline = num('offlineGraceDays')
  const heartbeat = num('heartbeatIntervalS')
  const max = num('maxDeployments')
  if (expiry !== undefined) parts.push(`expiry grace ${expiry}d`)
  if (offline !== undefined) parts.push(`offline grace ${offline}d`)
  if (heartbeat !== undefined) parts.push(`heartbeat ${duration(heartbeat)}`)
  if (max !== undefined)
    parts.push(max === 0 ? 'unlimited deployments' : `max ${max} deployment${max === 1 ? '' : 's'}`)
  const known = new Set([
    'expiryGraceDays',
    'offlineGraceDays',
    'heartbeatIntervalS',
    'maxDeployments',
  ])
  for (const [k, v] of Object.entries(policy))
    if (!known.has(k)) parts.push(`${k}=${formatCell(v)}`)
  return parts.length ? parts.join(', ') : '-'
}

/**
 * How a value is shown in a cell: `-` for nothing, lists comma-joined, timestamps to the second
 * (`2027-01-31 12:00:00Z`), flat objects as `name=value` pairs (limits), deeper ones as JSON.
 */
export function formatCell(value: unknown, key?: string): string {
  if (value === null || value === undefined || value === '') return '-'
  if (Array.isArray(value)) return value.length ? value.map((v) => formatCell(v)).join(',') : '-'
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    if (key === 'policy') return formatPolicy(value as Record<string, unknown>)
    if (entries.length === 0) return '-'
    if (entries.every(([, v]) => v === null || typeof v !== 'object')) {
      return entries.map(([k, v]) => `${k}=${formatCell(v)}`).join(' ')
    }
    return JSON.stringify(value)
  }
  if (typeof value === 'string') {
    const time = ISO_TIME.exec(value)
    if (time) return `${time[1]} ${time[2]}Z`
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects were handled above
  return String(value)
}

/** The cells of a table as strings, header first: what tests compare against `--json`. */
export function tableCells(
  columns: Column[],
  rows: readonly Record<string, unknown>[],
): string[][] {
  return [
    columns.map((c) => c.header),
    ...rows.map((row) => columns.map((c) => formatCell(c.get ? c.get(row) : row[c.key], c.key))),
  ]
}

// Terminal width of a string: ANSI codes take no room.
const ANSI_CODE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g')
const width = (s: string): number => s.replace(ANSI_CODE, '').length

/** Renders rows as a table aligned on two-space gutters, like kubectl and gh. */
export function renderTable(
  columns: Column[],
  rows: readonly Record<string, unknown>[],
  style: Style,
): string {
  if (rows.length === 0) return 'No results.\n'
  const cells = tableCells(columns, rows)
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))))
  return cells
    .map((row, r) =>
      row
        .map((cell, i) => {
          const last = i === row.length - 1
          const pad = last ? '' : ' '.repeat((widths[i] ?? 0) - width(cell))
          const tone = r > 0 ? STATUS_TONE[cell] : undefined
          const shown =
            r === 0 ? paint(style, 'bold', cell) : tone ? paint(style, tone, cell) : cell
          return shown + pad
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('')
}

/** Renders one object as aligned `key  value` lines. */
export function renderRecord(
  record: Record<string, unknown>,
  style: Style,
  keys?: string[],
): string {
  const entries = (keys ?? Object.keys(record)).map((k) => [k, formatCell(record[k], k)] as const)
  const pad = Math.max(0, ...entries.map(([k]) => k.length))
  return entries
    .map(([k, v]) => {
      const tone = STATUS_TONE[v]
      return `${paint(style, 'dim', k.padEnd(pad))}  ${tone ? paint(style, tone, v) : v}\n`
    })
    .join('')
}

/** Renders the blocks of a result, separated by blank lines. */
export function renderBlocks(blocks: readonly Block[], style: Style): string {
  return blocks
    .map((b) => {
      if (b.type === 'table') return renderTable(b.columns, b.rows, style)
      if (b.type === 'record') return renderRecord(b.record, style, b.keys)
      return b.text.endsWith('\n') ? b.text : `${b.text}\n`
    })
    .join('\n')
}
