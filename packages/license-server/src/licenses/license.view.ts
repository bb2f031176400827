import type { LicensePolicy } from '@tollgate/license-client'
import { iso } from '../lib/json.js'
import type { LicenseRow, LicenseStatus } from './license.table.js'

/** A license as the API shows it (docs/api.md). */
export interface LicenseView {
  id: string
  customerId: string
  planId: string
  product: string
  tier: string
  status: LicenseStatus
  statusReason: string | null
  entitlements: string[]
  limits: Record<string, number>
  policy: LicensePolicy
  metadata: Record<string, unknown>
  kid: string
  issuedAt: string
  expiresAt: string | null
  suspendedAt: string | null
  revokedAt: string | null
  deploymentId: string | null
  createdAt: string
  updatedAt: string
}

/** Row to API object. */
export function toLicenseView(row: LicenseRow): LicenseView {
  return {
    id: row.id,
    customerId: row.customer_id,
    planId: row.plan_id,
    product: row.product,
    tier: row.tier,
    status: row.status,
    statusReason: row.status_reason,
    entitlements: row.entitlements,
    limits: row.limits,
    policy: row.policy,
    metadata: row.metadata,
    kid: row.kid,
    issuedAt: iso(row.issued_at)!,
    expiresAt: iso(row.expires_at),
    suspendedAt: iso(row.suspended_at),
    revokedAt: iso(row.revoked_at),
    deploymentId: row.deployment_id,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  }
}

/**
 * The license as its key holder sees it (validate, activate answers): what the key entitles and
 * until when. Vendor-internal fields (status reason, metadata such as Stripe ids, customer and
 * plan ids, key id, timestamps of edits) stay on the admin API.
 */
export type PublicLicenseView = Pick<
  LicenseView,
  | 'id'
  | 'product'
  | 'tier'
  | 'status'
  | 'entitlements'
  | 'limits'
  | 'policy'
  | 'issuedAt'
  | 'expiresAt'
  | 'suspendedAt'
  | 'revokedAt'
  | 'deploymentId'
>

/**
 * The customer-facing view of a license (see {@link PublicLicenseView}).
 *
 * @example
 * ```ts
 * return { ...result, license: result.license && toPublicLicenseView(result.license) }
 * ```
 */
export function toPublicLicenseView(v: LicenseView): PublicLicenseView {
  return {
    id: v.id,
    product: v.product,
    tier: v.tier,
    status: v.status,
    entitlements: v.entitlements,
    limits: v.limits,
    policy: v.policy,
    issuedAt: v.issuedAt,
    expiresAt: v.expiresAt,
    suspendedAt: v.suspendedAt,
    revokedAt: v.revokedAt,
    deploymentId: v.deploymentId,
  }
}
