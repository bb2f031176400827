import { sql } from 'kysely'
import { SYSTEM_ACTOR } from '../audit/audit-actor.js'
import type { Db } from '../db/database.js'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { updateLicenseStatus } from '../licenses/update-license-status.js'

/** Advisory lock key of the expiry job: one runner at a time across every instance. */
const EXPIRY_LOCK = 0x65787069 // "expi"

/**
 * Licenses of any tenant past `expires_at` plus their `expiryGraceDays`, still active or
 * suspended, locked `FOR UPDATE` against a concurrent admin change of the same row.
 */
function lockExpired(db: Db, now: Date, limit: number) {
  return sql<{ id: string; tenant_id: string }>`
    select id, tenant_id from licenses
    where status in ('active', 'suspended') and expires_at is not null
      and expires_at + coalesce((policy->>'expiryGraceDays')::float8, 0) * interval '1 day'
          <= ${now.toISOString()}::timestamptz
    order by expires_at
    limit ${limit}
    for update
  `.execute(db)
}

/**
 * The expiry job: moves every license past its expiry plus grace to `expired`, each with a
 * `license.expire` audit entry (actor `system`) and a `license.expired` event, batch by batch.
 * Safe with N instances: each batch runs under a transaction-scoped advisory lock, and an
 * instance that cannot take it stops (another one is running the job), so one runner works at a
 * time and each license expires once. Returns the ids it expired.
 *
 * @example
 * ```ts
 * const expired = await expireLicenses(app.tollgate.db, app.tollgate)
 * ```
 */
export async function expireLicenses(
  db: Kysely<Database>,
  deps: Pick<LicensingDeps, 'now' | 'licenseCache'>,
  opts: { batch?: number } = {},
): Promise<string[]> {
  const batch = opts.batch ?? 100
  const expired: string[] = []
  for (;;) {
    const now = deps.now()
    const ids = await db.transaction().execute(async (trx) => {
      const { rows: lock } = await sql<{ ok: boolean }>`
        select pg_try_advisory_xact_lock(${EXPIRY_LOCK}) as ok
      `.execute(trx)
      if (lock[0]?.ok !== true) return undefined
      const { rows } = await lockExpired(trx, now, batch)
      for (const r of rows) {
        await updateLicenseStatus(
          trx,
          r.tenant_id,
          r.id,
          'expire',
          { reason: 'expired (past expiry and grace)' },
          SYSTEM_ACTOR,
          deps,
        )
      }
      return rows.map((r) => r.id)
    })
    if (ids === undefined) return expired
    expired.push(...ids)
    if (ids.length < batch) return expired
  }
}
