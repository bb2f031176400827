import { InvalidArgumentError, type Command } from 'commander'

/** Commander parser: a positive integer. */
export function positiveInt(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError(`Expected a positive integer, got "${value}".`)
  }
  return n
}

/** Commander parser: a non-negative integer. */
export function nonNegativeInt(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`Expected a whole number >= 0, got "${value}".`)
  }
  return n
}

const RELATIVE = /^\+(\d+)([dhm])$/

/**
 * Commander parser: an ISO-8601 date/time, or `+<n>d|h|m` from now; answers an ISO string.
 * A date alone (`2027-01-31`) means midnight UTC.
 */
export function dateArg(value: string, now: Date = new Date()): string {
  const rel = RELATIVE.exec(value)
  if (rel) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[rel[2] as 'd' | 'h' | 'm']
    return new Date(now.getTime() + Number(rel[1]) * unit).toISOString()
  }
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      `Expected an ISO date like 2027-01-31 or 2027-01-31T12:00:00Z, or +30d, got "${value}".`,
    )
  }
  return new Date(ms).toISOString()
}

/** Commander parser: a UTC day `YYYY-MM-DD` (an ISO date-time is cut to its day). */
export function dayArg(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(T.*)?$/.exec(value)
  if (!m || Number.isNaN(Date.parse(m[1]!))) {
    throw new InvalidArgumentError(`Expected a day like 2026-11-30, got "${value}".`)
  }
  return m[2] ? new Date(value).toISOString().slice(0, 10) : m[1]!
}

/** Commander parser for repeatable `--limit users=10`: collects a record of numbers. */
export function keyNumber(
  value: string,
  previous: Record<string, number> = {},
): Record<string, number> {
  const m = /^([A-Za-z][\w.-]*)=(\d+)$/.exec(value)
  if (!m) throw new InvalidArgumentError(`Expected name=<integer> (e.g. users=25), got "${value}".`)
  return { ...previous, [m[1]!]: Number(m[2]) }
}

/** Commander parser for repeatable `--metadata key=value`: collects a record of strings. */
export function keyString(
  value: string,
  previous: Record<string, string> = {},
): Record<string, string> {
  const i = value.indexOf('=')
  if (i <= 0) throw new InvalidArgumentError(`Expected key=value, got "${value}".`)
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) }
}

/** Commander parser for repeatable or comma-separated list flags (`--entitlement a,b -e c`). */
export function collect(value: string, previous: string[] = []): string[] {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (parts.length === 0) throw new InvalidArgumentError('Expected at least one value.')
  return [...previous, ...parts]
}

/** Commander parser: an http(s) URL. */
export function urlArg(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError(
      `Expected a URL like https://licenses.example.com, got "${value}".`,
    )
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`Expected an http(s) URL, got "${value}".`)
  }
  return value.replace(/\/+$/, '')
}

/** Adds `--limit`, `--cursor` and `--all` to a list command. */
export function listFlags(cmd: Command): void {
  cmd
    .option('--limit <n>', 'page size', positiveInt)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow pages to the end')
}
