import { MalformedError } from '../errors.js'
import { onlyLicenseErrors, parseJsonObject } from '../lib/jws.js'
import { unwrapToken } from './envelope.js'
import type { LicenseClaims } from './types.js'

/**
 * Decodes a license key WITHOUT verifying its signature: for display and support tooling only.
 * Never make a licensing decision on its result; use {@link verifyLicense}. A header or payload
 * that is valid JSON but no object (`null`, an array, a number) is MALFORMED.
 *
 * @example
 * ```ts
 * const { claims } = decodeLicense(token)
 * console.log(`license ${claims.lid} for ${claims.sub}`)
 * ```
 */
export function decodeLicense(token: string): {
  prefix: string
  header: Record<string, unknown>
  claims: LicenseClaims
} {
  return onlyLicenseErrors(() => {
    const { prefix, jws } = unwrapToken(token)
    const parts = jws.split('.')
    if (parts.length !== 3) throw new MalformedError('Expected a compact JWS with three parts')
    return {
      prefix,
      header: parseJsonObject(parts[0]!, 'JWS header'),
      claims: parseJsonObject(parts[1]!, 'JWS payload') as unknown as LicenseClaims,
    }
  })
}
