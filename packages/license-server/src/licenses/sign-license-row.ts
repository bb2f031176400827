import { signLicense, type SigningKey } from '@tollgate/license-client'
import type { LicenseRow } from './license.table.js'

/** Signs the token for a license row (the row is the source of truth for every claim). */
export function signLicenseRow(
  row: LicenseRow,
  key: SigningKey,
  opts: { prefix: string; customerName?: string },
): string {
  return signLicense(
    {
      licenseId: row.id,
      customerId: row.customer_id,
      ...(opts.customerName === undefined ? {} : { customerName: opts.customerName }),
      product: row.product,
      tier: row.tier,
      entitlements: row.entitlements,
      limits: row.limits,
      policy: row.policy,
      issuer: row.tenant_id,
      issuedAt: row.issued_at,
      expiresAt: row.expires_at,
      ...(row.deployment_id === null ? {} : { deploymentId: row.deployment_id }),
    },
    key,
    { prefix: opts.prefix },
  )
}
