import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { LicenseRow } from '../licenses/license.table.js'

/** What the portal shows of a license's state (stored status plus expiry and grace). */
export type PortalLicenseState = 'active' | 'grace' | 'expired' | 'suspended' | 'revoked'

/** A license of the signed-in customer with what the portal shows next to it. */
export interface CustomerLicense {
  row: LicenseRow
  planName: string
  state: PortalLicenseState
  /** End of the expiry grace period (expiresAt + expiryGraceDays); null: perpetual. */
  graceEndsAt: Date | null
  /** Next renewal of its Stripe subscription, if billed through Stripe and not cancelling. */
  renewsAt: Date | null
  /** The subscription ends at its period end (cancelled by the customer). */
  cancelsAtPeriodEnd: boolean
  /** Seats in use (active deployments). */
  seatsUsed: number
}

const DAY = 86_400_000

/**
 * The state a customer should see: revoked and suspended as stored; otherwise past expiry is
 * `grace` within `expiryGraceDays` and `expired` after it.
 *
 * @example
 * ```ts
 * licenseState(row, new Date()) // 'grace'
 * ```
 */
export function licenseState(row: LicenseRow, now: Date): PortalLicenseState {
  if (row.status === 'revoked' || row.status === 'suspended') return row.status
  if (row.status === 'expired') return 'expired'
  if (!row.expires_at || row.expires_at > now) return 'active'
  const graceEnd = row.expires_at.getTime() + (row.policy.expiryGraceDays ?? 0) * DAY
  return now.getTime() < graceEnd ? 'grace' : 'expired'
}

/**
 * The licenses of one customer (newest first, at most 200: a customer with more is a reseller
 * and uses the API), with plan name, state, renewal and seats in use.
 *
 * @example
 * ```ts
 * const licenses = await listCustomerLicenses(db, tenantId, customerId, now)
 * ```
 */
export async function listCustomerLicenses(
  db: Db,
  tenantId: string,
  customerId: string,
  now: Date,
  opts: { licenseId?: string } = {},
): Promise<CustomerLicense[]> {
  let q = db
    .selectFrom('licenses')
    .innerJoin('plans', 'plans.id', 'licenses.plan_id')
    .leftJoin('billing_subscriptions as s', 's.license_id', 'licenses.id')
    .selectAll('licenses')
    .select([
      'plans.name as plan_name',
      's.current_period_end as period_end',
      's.cancel_at_period_end as cancel_at_period_end',
      's.status as subscription_status',
    ])
    .select((eb) =>
      eb
        .selectFrom('deployments')
        .select(eb.fn.countAll<string>().as('n'))
        .whereRef('deployments.license_id', '=', 'licenses.id')
        .where('deployments.status', '=', 'active')
        .as('seats_used'),
    )
    .where('licenses.tenant_id', '=', tenantId)
    .where('licenses.customer_id', '=', customerId)
  if (opts.licenseId) q = q.where('licenses.id', '=', opts.licenseId)
  const rows = await q.orderBy('licenses.id', 'desc').limit(200).execute()
  return rows.map((r) => {
    const { plan_name, period_end, cancel_at_period_end, subscription_status, seats_used, ...row } =
      r
    const graceDays = row.policy.expiryGraceDays ?? 0
    const cancelling = cancel_at_period_end === true
    const live = subscription_status !== null && subscription_status !== 'canceled'
    return {
      row,
      planName: plan_name,
      state: licenseState(row, now),
      graceEndsAt: row.expires_at ? new Date(row.expires_at.getTime() + graceDays * DAY) : null,
      renewsAt: live && !cancelling ? (period_end ?? null) : null,
      cancelsAtPeriodEnd: live && cancelling,
      seatsUsed: Number(seats_used ?? 0),
    }
  })
}

/**
 * One license of the customer; another customer's or tenant's license (or garbage) is
 * NOT_FOUND, exactly like one that does not exist.
 *
 * @example
 * ```ts
 * const license = await findCustomerLicense(db, tenantId, customerId, req.params.id, now)
 * ```
 */
export async function findCustomerLicense(
  db: Db,
  tenantId: string,
  customerId: string,
  licenseId: string,
  now: Date,
): Promise<CustomerLicense> {
  const [found] = /^lic_[0-9a-z]{8,40}$/.test(licenseId)
    ? await listCustomerLicenses(db, tenantId, customerId, now, { licenseId })
    : []
  if (!found) throw new AppError('NOT_FOUND', 'No such license')
  return found
}
