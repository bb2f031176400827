import type { LicenseClaims } from './types.js'

/**
 * A license whose signature, checksum and validity window were checked. Feature and limit
 * lookups are O(1): they answer from a Set and a Map built once at verification.
 *
 * @example
 * ```ts
 * const license = verifyLicense(token, keys)
 * if (license.hasFeature('sso')) enableSso()
 * ```
 */
export class VerifiedLicense {
  /** The signed claims. */
  readonly claims: LicenseClaims
  /** The key id that signed it. */
  readonly kid: string
  /** The key's prefix (e.g. `TG1`). */
  readonly prefix: string
  /** Entitlements as a set. */
  readonly features: ReadonlySet<string>
  readonly #limits: ReadonlyMap<string, number>

  constructor(claims: LicenseClaims, kid: string, prefix: string) {
    this.claims = claims
    this.kid = kid
    this.prefix = prefix
    this.features = new Set(claims.entitlements)
    this.#limits = new Map(Object.entries(claims.limits))
  }

  /** The license id (`lid`); revocation is keyed on it. */
  get id(): string {
    return this.claims.lid
  }

  /** Expiry as a Date, or null for a perpetual license. */
  get expiresAt(): Date | null {
    return this.claims.exp === undefined ? null : new Date(this.claims.exp * 1000)
  }

  /** True when the license carries the entitlement. */
  hasFeature(name: string): boolean {
    return this.features.has(name)
  }

  /** The limit for a metric, or undefined when the license sets none (unlimited). */
  limit(metric: string): number | undefined {
    return this.#limits.get(metric)
  }
}
