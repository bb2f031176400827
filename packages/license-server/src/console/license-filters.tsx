import type { Db } from '../db/database.js'
import type { LicenseStatus } from '../licenses/license.table.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { PageError } from '../web/page-error.js'

/** Stored statuses offered by the status filter. */
export const LICENSE_STATUSES: readonly LicenseStatus[] = [
  'active',
  'suspended',
  'revoked',
  'expired',
]

/** The license list's filters as read from the query string (dates as typed, for the form). */
export interface LicenseFilters {
  q: string
  status: LicenseStatus | undefined
  /** Any string: an id that is not one of the tenant's plans simply matches no license. */
  planId: string | undefined
  expiresAfter: string | undefined
  expiresBefore: string | undefined
}

const str = (v: unknown, max: number): string =>
  typeof v === 'string' ? v.trim().slice(0, max) : ''

function parseDay(value: string | undefined, label: string): Date | undefined {
  if (!value) return undefined
  const d = new Date(`${value}T00:00:00Z`)
  // The round trip rejects impossible days like 2026-02-31 that Date would roll over.
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
    Number.isNaN(d.getTime()) ||
    d.toISOString().slice(0, 10) !== value
  ) {
    throw new PageError('BAD_INPUT', `${label} must be a date (YYYY-MM-DD)`)
  }
  return d
}

/**
 * Reads and checks the license list's filters. A malformed date or an inverted range throws
 * `PageError('BAD_INPUT')` (a 400 page with the message), never a 500.
 *
 * @example
 * ```ts
 * const { filters, expiresAfter, expiresBefore } = readLicenseFilters(request.query)
 * ```
 */
export function readLicenseFilters(query: Record<string, unknown>): {
  filters: LicenseFilters
  expiresAfter: Date | undefined
  expiresBefore: Date | undefined
} {
  const filters: LicenseFilters = {
    q: str(query.q, 200),
    status: LICENSE_STATUSES.find((s) => s === query.status),
    planId: str(query.plan, 100) || undefined,
    expiresAfter: str(query.expiresAfter, 20) || undefined,
    expiresBefore: str(query.expiresBefore, 20) || undefined,
  }
  const expiresAfter = parseDay(filters.expiresAfter, 'Expires after')
  const expiresBefore = parseDay(filters.expiresBefore, 'Expires before')
  if (expiresAfter && expiresBefore && expiresAfter >= expiresBefore) {
    throw new PageError('BAD_INPUT', 'Expires after must be an earlier date than expires before')
  }
  return { filters, expiresAfter, expiresBefore }
}

/**
 * The filters as query parameters, for keyset "next page" links.
 *
 * @example
 * ```ts
 * const next = filterParams(filters); next.set('after', cursor)
 * ```
 */
export function filterParams(f: LicenseFilters): URLSearchParams {
  const p = new URLSearchParams()
  if (f.q) p.set('q', f.q)
  if (f.status) p.set('status', f.status)
  if (f.planId) p.set('plan', f.planId)
  if (f.expiresAfter) p.set('expiresAfter', f.expiresAfter)
  if (f.expiresBefore) p.set('expiresBefore', f.expiresBefore)
  return p
}

/** A plan offered by the plan filter. */
export interface PlanChoice {
  id: string
  name: string
  product: string
  tier: string
}

/**
 * The tenant's plans for the plan filter (only this tenant's: the list never shows another's).
 *
 * @example
 * ```ts
 * const plans = await planChoices(db, request.staff.tenant_id)
 * ```
 */
export function planChoices(db: Db, tenantId: string): Promise<PlanChoice[]> {
  return db
    .selectFrom('plans')
    .select(['id', 'name', 'product', 'tier'])
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .orderBy('id')
    .limit(500)
    .execute()
}

/**
 * The search form of `/console/licenses`.
 *
 * @example
 * ```tsx
 * <LicenseFilterForm filters={filters} plans={plans} />
 * ```
 */
export function LicenseFilterForm(p: { filters: LicenseFilters; plans: PlanChoice[] }): Html {
  const f = p.filters
  return (
    <form method="get" action="/console/licenses" class="filters" role="search">
      <label>
        Search
        <input
          type="search"
          name="q"
          value={f.q}
          placeholder="license id, customer id, name or email"
        />
      </label>
      <label>
        Status
        <select name="status" data-autosubmit>
          <option value="">any</option>
          {LICENSE_STATUSES.map((s) => (
            <option value={s} selected={s === f.status}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Plan
        <select name="plan" data-autosubmit>
          <option value="">any plan</option>
          {p.plans.map((plan) => (
            <option value={plan.id} selected={plan.id === f.planId}>
              {`${plan.name} (${plan.product} / ${plan.tier})`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Expires after
        <input type="date" name="expiresAfter" value={f.expiresAfter} />
      </label>
      <label>
        Expires before
        <input type="date" name="expiresBefore" value={f.expiresBefore} />
      </label>
      <button type="submit">Search</button>
    </form>
  )
}
