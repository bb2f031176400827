import { ExpiredError, NotYetValidError } from '../errors.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import type { Ed25519Engine } from '../lib/ed25519.js'
import { onlyLicenseErrors, verifyCompactJws } from '../lib/jws.js'
import { unwrapToken } from './envelope.js'
import { TOKEN_TYP, MAX_TOKEN_LENGTH } from './types.js'
import { validateLicenseClaims } from './validate-claims.js'
import { VerifiedLicense } from './verified-license.js'

/** Options of {@link verifyLicense}. */
export interface VerifyOptions {
  /** The time to check `nbf`/`exp` against; default: the wall clock. */
  now?: Date | number
  /** Ed25519 implementation; default `auto` (native, tweetnacl where native is missing). */
  engine?: Ed25519Engine
  /** Allowed clock skew in seconds; default 60. */
  clockToleranceS?: number
  /** Accept an expired license (the client runtime applies the expiry grace itself). */
  ignoreExpiry?: boolean
  /** Accept a license whose `nbf` is in the future. */
  ignoreNotBefore?: boolean
}

/**
 * Verifies a license key offline: size, checksum (before any crypto), header (EdDSA only, typ,
 * kid), canonical Ed25519 signature (S < L on both engines), claims shape, then `nbf`/`exp`.
 * Throws only {@link LicenseError} subclasses.
 *
 * @example
 * ```ts
 * const keys = KeySet.from(jwks)   // parse once, reuse
 * try {
 *   const license = verifyLicense(token, keys)
 *   console.log(license.claims.tier, license.hasFeature('sso'))
 * } catch (err) {
 *   if (err instanceof LicenseError) console.error(err.code) // e.g. BAD_CHECKSUM
 * }
 * ```
 */
export function verifyLicense(
  token: string,
  keys: KeySet | Jwks,
  opts: VerifyOptions = {},
): VerifiedLicense {
  return onlyLicenseErrors(() => {
    const { prefix, jws } = unwrapToken(token)
    const { header, payload } = verifyCompactJws(
      jws,
      keys,
      TOKEN_TYP.license,
      opts.engine,
      MAX_TOKEN_LENGTH,
    )
    const claims = validateLicenseClaims(payload)
    const nowMs = opts.now === undefined ? Date.now() : +opts.now
    const now = Math.floor(nowMs / 1000)
    const tolerance = opts.clockToleranceS ?? 60
    if (!opts.ignoreNotBefore && claims.nbf > now + tolerance)
      throw new NotYetValidError(claims.nbf)
    if (!opts.ignoreExpiry && claims.exp !== undefined && claims.exp <= now - tolerance) {
      throw new ExpiredError(claims.exp)
    }
    return new VerifiedLicense(claims, header.kid, prefix)
  })
}
