/** Serialises a value for a jsonb column (pg would otherwise turn JS arrays into SQL arrays). */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null)
}

/** ISO string of a Date, or null. */
export function iso(value: Date | null | undefined): string | null {
  return value ? value.toISOString() : null
}

/** Converts a timestamp column value (Date from pg and PGlite, string defensively) to a Date. */
export function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value)
}
