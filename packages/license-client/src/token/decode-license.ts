import { MalformedError } from '../errors.js'
import { decodeBase64url } from '../lib/base64url.js'
import { onlyLicenseErrors } from '../lib/jws.js'
import { unwrapToken } from './envelope.js'
import type { LicenseClaims } from './types.js'

/**
 * Decodes a license key WITHOUT verifying its signature: for display and support tooling only.
 * Never make a licensing decision on its result; use {@link verifyLicense}.
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
    const [h, p] = parts.map((part) => {
      const bytes = decodeBase64url(part)
      if (bytes === undefined) throw new MalformedError('Not base64url')
      return bytes
    })
    return {
      prefix,
      header: JSON.parse(h!.toString('utf8')) as Record<string, unknown>,
      claims: JSON.parse(p!.toString('utf8')) as LicenseClaims,
    }
  })
}
