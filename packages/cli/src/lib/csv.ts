import { CliError } from '../errors.js'

/**
 * Parses RFC 4180 CSV (quoted fields, `""` escapes, CRLF or LF) into records keyed by the
 * header row. Blank lines are skipped; each record remembers its 1-based line number.
 */
export function parseCsv(text: string): {
  header: string[]
  rows: { line: number; values: Record<string, string> }[]
} {
  const records: { line: number; fields: string[] }[] = []
  let field = ''
  let fields: string[] = []
  let quoted = false
  let line = 1
  let startLine = 1
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text // Excel writes a BOM
  const endRecord = (): void => {
    fields.push(field)
    if (fields.length > 1 || fields[0] !== '') records.push({ line: startLine, fields })
    fields = []
    field = ''
  }
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else {
        if (ch === '\n') line++
        field += ch
      }
    } else if (ch === '"' && field === '') quoted = true
    else if (ch === ',') {
      fields.push(field)
      field = ''
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++
      endRecord()
      line++
      startLine = line
    } else field += ch
  }
  if (quoted)
    throw new CliError('USAGE', `CSV: unterminated quoted field starting on line ${startLine}`)
  if (field !== '' || fields.length) endRecord()
  const [head, ...body] = records
  if (!head) throw new CliError('USAGE', 'CSV: the file is empty (expected a header row)')
  const header = head.fields.map((h) => h.trim())
  const rows = body.map((r) => {
    if (r.fields.length > header.length) {
      throw new CliError(
        'USAGE',
        `CSV line ${r.line}: ${r.fields.length} fields but the header has ${header.length}`,
      )
    }
    const values: Record<string, string> = {}
    header.forEach((h, i) => (values[h] = (r.fields[i] ?? '').trim()))
    return { line: r.line, values }
  })
  return { header, rows }
}

/** Quotes a CSV field when it needs it. */
export function csvField(value: unknown): string {
  const s =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects handled above
          String(value)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
