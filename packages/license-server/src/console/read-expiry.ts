import type { FormReader } from '../web/form-reader.js'

/**
 * Reads "expiry date or perpetual" from a form: a future YYYY-MM-DD date (end of that day,
 * UTC), `null` for perpetual, `undefined` when neither is given and `optional`.
 *
 * @example
 * ```ts
 * const expiresAt = readExpiry(new FormReader(request.body), now(), true)
 * ```
 */
export function readExpiry(f: FormReader, now: Date, optional: boolean): Date | null | undefined {
  const perpetual = f.checkbox('perpetual')
  const raw = f.text('expiresAt', {
    label: 'Expiry date',
    max: 10,
    optional: true,
    pattern: /^\d{4}-\d{2}-\d{2}$/,
    patternMessage: 'Expiry date must be a date (YYYY-MM-DD)',
  })
  if (perpetual && raw) f.fail('expiresAt', 'Choose an expiry date or perpetual, not both')
  if (perpetual) return null
  if (!raw) {
    if (!optional) f.fail('expiresAt', 'Expiry date is required (or tick perpetual)')
    return undefined
  }
  const d = new Date(`${raw}T23:59:59Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) {
    f.fail('expiresAt', 'Expiry date must be a date (YYYY-MM-DD)')
  } else if (d <= now) f.fail('expiresAt', 'Expiry date must be in the future')
  return d
}
