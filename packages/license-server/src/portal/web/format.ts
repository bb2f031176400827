/**
 * A date and time for people (UTC, minutes), or undefined for none.
 *
 * @example
 * ```ts
 * when(new Date('2026-12-06T21:30:00Z')) // '2026-12-06 21:30 UTC'
 * ```
 */
export function when(d: Date | null | undefined): string | undefined {
  return d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined
}

/**
 * A calendar day (UTC), or undefined for none.
 *
 * @example
 * ```ts
 * day(new Date('2026-12-06T21:30:00Z')) // '2026-12-06'
 * ```
 */
export function day(d: Date | null | undefined): string | undefined {
  return d ? d.toISOString().slice(0, 10) : undefined
}
