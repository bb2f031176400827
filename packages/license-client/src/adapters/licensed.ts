import type { LicenseError } from '../errors.js'
import type { LicenseState } from '../client/types.js'

/** What the adapters need from a client (a {@link LicenseClient} fits). */
export interface FeatureGate {
  readonly state: LicenseState
  hasFeature(name: string): boolean
  denial(name: string): LicenseError
}

/** Options of {@link licensed}. */
export interface LicensedOptions<A extends unknown[], R> {
  /** Called instead of `fn` when the feature is not usable; then nothing is thrown. */
  fallback?: (error: LicenseError, ...args: A) => R
}

/**
 * Wraps a plain function so it runs only while `feature` is usable. The check happens on every
 * call (the state can change while the app runs). When refused: calls `fallback` if given, else
 * throws the typed error (FEATURE_NOT_ENTITLED or LICENSE_NOT_VALID) — as a rejected promise
 * when `fn` is an `async function`, so callers' `await`/`.catch` see it.
 *
 * @example
 * ```ts
 * const exportPdf = licensed(client, 'pdf_export', renderPdf, { fallback: () => null })
 * await exportPdf(report) // null when the license lacks pdf_export
 * ```
 */
export function licensed<A extends unknown[], R>(
  client: FeatureGate,
  feature: string,
  fn: (...args: A) => R,
  opts: LicensedOptions<A, R> = {},
): (...args: A) => R {
  const isAsync = fn.constructor.name === 'AsyncFunction'
  const wrapped = function (this: unknown, ...args: A): R {
    if (client.hasFeature(feature)) return fn.apply(this, args)
    const error = client.denial(feature)
    if (opts.fallback) return opts.fallback(error, ...args)
    if (isAsync) return Promise.reject(error) as R
    throw error
  }
  Object.defineProperty(wrapped, 'name', { value: `licensed(${fn.name || 'anonymous'})` })
  return wrapped
}
