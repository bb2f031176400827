import type { SigningKey } from '../keys/types.js'
import { signCompactJws } from '../lib/jws.js'
import { wrapToken } from './envelope.js'
import { DEFAULT_PREFIX, TOKEN_TYP, type LicenseClaims, type LicenseClaimsInput } from './types.js'

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000)

/**
 * Signs a license as a `PREFIX-<jws>-<checksum>` key. Used by the server, the CLI and tests.
 *
 * @example
 * ```ts
 * const key = generateKeyPair()
 * const token = signLicense(
 *   {
 *     licenseId: 'lic_123', customerId: 'cus_9', product: 'acme', tier: 'pro',
 *     entitlements: ['sso'], limits: { users: 50 },
 *     policy: { expiryGraceDays: 14, offlineGraceDays: 30, heartbeatIntervalS: 3600, maxDeployments: 3 },
 *     expiresAt: new Date('2027-12-01'),
 *   },
 *   key,
 * )
 * ```
 */
export function signLicense(
  input: LicenseClaimsInput,
  key: SigningKey,
  opts: { prefix?: string } = {},
): string {
  const iat = seconds(input.issuedAt ?? new Date())
  const claims: LicenseClaims = {
    v: 1,
    jti: input.licenseId,
    lid: input.licenseId,
    ...(input.issuer === undefined ? {} : { iss: input.issuer }),
    sub: input.customerId,
    ...(input.customerName === undefined ? {} : { customer: input.customerName }),
    product: input.product,
    tier: input.tier,
    entitlements: [...input.entitlements],
    limits: { ...input.limits },
    policy: { ...input.policy },
    iat,
    nbf: input.notBefore ? seconds(input.notBefore) : iat,
    ...(input.expiresAt ? { exp: seconds(input.expiresAt) } : {}),
    ...(input.deploymentId === undefined ? {} : { deployment: input.deploymentId }),
  }
  return wrapToken(opts.prefix ?? DEFAULT_PREFIX, signCompactJws(claims, TOKEN_TYP.license, key))
}
