import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { LicenseStatus } from '../licenses/license.table.js'
import { customerMatches } from './customer-search.js'

/** Filters of the console's license search. */
export interface LicenseSearch {
  /**
   * A license id (or its start), a customer id, or the start of a customer's name or email
   * (case-insensitive prefix: indexed, see `customer-search.ts`).
   */
  q?: string | undefined
  status?: LicenseStatus | undefined
  planId?: string | undefined
  expiresBefore?: Date | undefined
  expiresAfter?: Date | undefined
  after?: string | undefined
  limit: number
}

/** A license row with its customer and plan names, for lists. */
export interface LicenseListRow {
  id: string
  status: LicenseStatus
  product: string
  tier: string
  expires_at: Date | null
  customer_id: string
  customer_name: string
  customer_email: string | null
  plan_name: string
}

/**
 * Searches the tenant's licenses, newest first, keyset-paginated on the id.
 *
 * @example
 * ```ts
 * const rows = await searchLicenses(db, tenantId, { q: 'acme', status: 'active', limit: 50 })
 * ```
 */
export async function searchLicenses(
  db: Db,
  tenantId: string,
  s: LicenseSearch,
): Promise<LicenseListRow[]> {
  let q = db
    .selectFrom('licenses as l')
    .innerJoin('customers as c', (j) =>
      j.onRef('c.id', '=', 'l.customer_id').onRef('c.tenant_id', '=', 'l.tenant_id'),
    )
    .innerJoin('plans as p', (j) =>
      j.onRef('p.id', '=', 'l.plan_id').onRef('p.tenant_id', '=', 'l.tenant_id'),
    )
    .select([
      'l.id',
      'l.status',
      'l.product',
      'l.tier',
      'l.expires_at',
      'l.customer_id',
      'c.name as customer_name',
      'c.email as customer_email',
      'p.name as plan_name',
    ])
    .where('l.tenant_id', '=', tenantId)
  if (s.q) {
    const text = s.q
    if (/^lic_[0-9a-z]+$/.test(text)) {
      // The range lets the (tenant_id, id) index serve the prefix under any collation: ids are
      // [0-9a-z] after `lic_`, so every id starting with `text` lies in [text, text + 'zz…'].
      q = q
        .where('l.id', '>=', text)
        .where('l.id', '<=', text + 'z'.repeat(40))
        .where('l.id', 'like', `${text}%`)
    } else if (/^cus_[0-9a-z]+$/.test(text)) q = q.where('l.customer_id', '=', text)
    else {
      const matching = db
        .selectFrom('customers')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where((eb) => customerMatches(eb, text))
      const few = await matching.limit(SPARSE_CUSTOMERS + 1).execute()
      if (few.length <= SPARSE_CUSTOMERS) {
        // Few customers match: walking the id index and filtering could read most of a big
        // tenant's licenses before it finds a page (matches need not be spread over the id
        // order), so take each customer's newest ids from (tenant_id, customer_id, id) instead.
        const ids = await newestIdsOf(
          db,
          tenantId,
          few.map((c) => c.id),
          s,
        )
        if (ids.length === 0) return []
        q = q.where('l.id', 'in', ids)
      } else q = q.where('l.customer_id', 'in', matching)
    }
  }
  if (s.status) q = q.where('l.status', '=', s.status)
  if (s.planId) q = q.where('l.plan_id', '=', s.planId)
  if (s.expiresBefore) q = q.where('l.expires_at', '<', s.expiresBefore)
  if (s.expiresAfter) q = q.where('l.expires_at', '>=', s.expiresAfter)
  if (s.after) q = q.where('l.id', '<', s.after)
  return q
    .orderBy('l.id', 'desc')
    .limit(s.limit + 1)
    .execute()
}

/** Up to this many matching customers, a name/email search walks their licenses one by one. */
const SPARSE_CUSTOMERS = 2000

/** The newest license ids (one page) of these customers that pass the other filters. */
async function newestIdsOf(
  db: Db,
  tenantId: string,
  customerIds: string[],
  s: LicenseSearch,
): Promise<string[]> {
  if (customerIds.length === 0) return []
  const at = (d: Date) => sql`${d.toISOString()}::timestamptz`
  const where = [sql`l.tenant_id = ${tenantId}`, sql`l.customer_id = m.id`]
  if (s.status) where.push(sql`l.status = ${s.status}`)
  if (s.planId) where.push(sql`l.plan_id = ${s.planId}`)
  if (s.expiresBefore) where.push(sql`l.expires_at < ${at(s.expiresBefore)}`)
  if (s.expiresAfter) where.push(sql`l.expires_at >= ${at(s.expiresAfter)}`)
  if (s.after) where.push(sql`l.id < ${s.after}`)
  const { rows } = await sql<{ id: string }>`
    select x.id from unnest(${customerIds}::text[]) as m(id)
    cross join lateral (select l.id from licenses l where ${sql.join(where, sql` and `)}
                        order by l.id desc limit ${s.limit + 1}) x
    order by x.id desc limit ${s.limit + 1}
  `.execute(db)
  return rows.map((r) => r.id)
}

/** The overview's numbers, all counted in the database. */
export interface OverviewNumbers {
  byStatus: Array<{ status: string; n: number }>
  byPlan: Array<{ plan: string; n: number }>
  deployments24h: number
  expiring30d: number
  openViolations: number
  failedBillingEvents: number
  undeliveredEmails: number
}

/**
 * Counts for the overview page.
 *
 * @example
 * ```ts
 * const numbers = await overviewNumbers(db, tenantId, now)
 * ```
 */
export async function overviewNumbers(
  db: Db,
  tenantId: string,
  now: Date,
): Promise<OverviewNumbers> {
  const day = new Date(now.getTime() - 86_400_000)
  const in30 = new Date(now.getTime() + 30 * 86_400_000)
  const count = (n: string | number | bigint) => Number(n)
  const byStatus = await db
    .selectFrom('licenses')
    .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId)
    .groupBy('status')
    .execute()
  const byPlan = await db
    .selectFrom('licenses as l')
    .innerJoin('plans as p', 'p.id', 'l.plan_id')
    .select(['p.name as plan', (eb) => eb.fn.countAll<string>().as('n')])
    .where('l.tenant_id', '=', tenantId)
    .where('l.status', '=', 'active')
    .groupBy('p.name')
    .orderBy('p.name')
    .limit(50)
    .execute()
  const one = async (q: Promise<{ n: string | number | bigint } | undefined>) =>
    count((await q)?.n ?? 0)
  return {
    byStatus: byStatus.map((r) => ({ status: r.status, n: count(r.n) })),
    byPlan: byPlan.map((r) => ({ plan: r.plan, n: count(r.n) })),
    deployments24h: await one(
      db
        .selectFrom('deployments')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('last_seen_at', '>=', day)
        .executeTakeFirst(),
    ),
    expiring30d: await one(
      db
        .selectFrom('licenses')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'active')
        .where('expires_at', '>=', now)
        .where('expires_at', '<', in30)
        .executeTakeFirst(),
    ),
    openViolations: await one(
      db
        .selectFrom('violations')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('last_seen_at', '>=', new Date(now.getTime() - 30 * 86_400_000))
        .executeTakeFirst(),
    ),
    failedBillingEvents: await one(
      db
        .selectFrom('billing_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'failed')
        .executeTakeFirst(),
    ),
    undeliveredEmails: await one(
      db
        .selectFrom('outbox_messages')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('status', 'in', ['pending', 'failed'])
        .executeTakeFirst(),
    ),
  }
}

/**
 * The audit trail of one object (newest first).
 *
 * @example
 * ```ts
 * const trail = await auditTrail(db, tenantId, 'license', id)
 * ```
 */
export function auditTrail(db: Db, tenantId: string, targetType: string, targetId: string) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'at', 'actor', 'action', 'after'])
    .where('tenant_id', '=', tenantId)
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .orderBy('id', 'desc')
    .limit(100)
    .execute()
}
