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

/** How a value is shown in a cell: `-` for nothing, lists comma-joined, objects as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-'
  if (Array.isArray(value)) return value.length ? value.map(formatCell).join(',') : '-'
  if (typeof value === 'object') return JSON.stringify(value)
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
    ...rows.map((row) => columns.map((c) => formatCell(c.get ? c.get(row) : row[c.key]))),
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
  const entries = (keys ?? Object.keys(record)).map((k) => [k, formatCell(record[k])] as const)
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
