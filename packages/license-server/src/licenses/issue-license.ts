import type { LicensePolicy } from '@tollgate/license-client'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { findPlan } from '../plans/plan.repository.js'
import { insertLicense } from './license.repository.js'
import type { LicenseRow } from './license.table.js'
import { toLicenseView } from './license.view.js'
import type { LicensingDeps } from './licensing-deps.js'
import { signLicenseRow } from './sign-license-row.js'

/** Input of {@link issueLicense}; unset fields come from the plan. */
export interface IssueLicenseInput {
  customerId: string
  planId: string
  /** `null`: perpetual; absent: plan's `durationDays` from now (perpetual if none). */
  expiresAt?: Date | null
  entitlements?: string[]
  /** Merged over the plan's limits. */
  limits?: Record<string, number>
  /** Merged over the plan's policy. */
  policy?: Partial<LicensePolicy>
  deploymentId?: string | null
  metadata?: Record<string, unknown>
}

const DAY_MS = 86_400_000

/**
 * Issues a license: row, signed token and audit entry, inside the caller's transaction.
 * Customer and plan must belong to the tenant (else NOT_FOUND).
 *
 * @example
 * ```ts
 * const { license, token } = await db.transaction().execute((trx) =>
 *   issueLicense(trx, tenantId, { customerId, planId }, { actor: 'stripe:evt_1' }, app.tollgate),
 * )
 * ```
 */
export async function issueLicense(
  trx: Db,
  tenantId: string,
  input: IssueLicenseInput,
  actor: AuditActor,
  deps: LicensingDeps,
): Promise<{ license: LicenseRow; token: string }> {
  const now = deps.now()
  const customer = await findCustomer(trx, tenantId, input.customerId)
  if (!customer) throw new AppError('NOT_FOUND', `No customer ${input.customerId}`)
  const plan = await findPlan(trx, tenantId, input.planId)
  if (!plan) throw new AppError('NOT_FOUND', `No plan ${input.planId}`)
  const key = await deps.signingKeys.getActive(trx, tenantId)
  const expiresAt =
    input.expiresAt !== undefined
      ? input.expiresAt
      : plan.duration_days === null
        ? null
        : new Date(now.getTime() + plan.duration_days * DAY_MS)
  const license: LicenseRow = {
    id: newId('lic'),
    tenant_id: tenantId,
    customer_id: customer.id,
    plan_id: plan.id,
    product: plan.product,
    tier: plan.tier,
    status: 'active',
    status_reason: null,
    entitlements: input.entitlements ?? plan.entitlements,
    limits: { ...plan.limits, ...input.limits },
    policy: { ...plan.policy, ...input.policy },
    metadata: input.metadata ?? {},
    kid: key.kid,
    deployment_id: input.deploymentId ?? null,
    issued_at: now,
    expires_at: expiresAt,
    suspended_at: null,
    revoked_at: null,
    created_at: now,
    updated_at: now,
  }
  await insertLicense(trx, license)
  const token = signLicenseRow(license, key, {
    prefix: deps.tokenPrefix,
    customerName: customer.name,
  })
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'license.issue',
    targetType: 'license',
    targetId: license.id,
    before: null,
    after: toLicenseView(license),
    at: now,
  })
  return { license, token }
}
