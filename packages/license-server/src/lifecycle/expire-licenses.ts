import { sql } from 'kysely'
import { SYSTEM_ACTOR } from '../audit/audit-actor.js'
import type { Db } from '../db/database.js'
import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { updateLicenseStatus } from '../licenses/update-license-status.js'

/**
 * Licenses of any tenant past `expires_at` plus their `expiryGraceDays`, still active or
 * suspended, locked with `FOR UPDATE SKIP LOCKED`: another instance's run takes other rows.
 */
function lockExpired(db: Db, now: Date, limit: number) {
  return sql<{ id: string; tenant_id: string }>`
    select id, tenant_id from licenses
    where status in ('active', 'suspended') and expires_at is not null
      and expires_at + coalesce((policy->>'expiryGraceDays')::float8, 0) * interval '1 day'
          <= ${now.toISOString()}::timestamptz
    order by expires_at
    limit ${limit}
    for update skip locked
  `.execute(db)
}

/**
 * The expiry job: moves every license past its expiry plus grace to `expired`, each with a
 * `license.expire` audit entry (actor `system`) and a `license.expired` event, batch by batch.
 * Safe with N instances: rows are claimed with SKIP LOCKED, so each license expires once.
 * Returns the ids it expired.
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
    expired.push(...ids)
    if (ids.length < batch) return expired
  }
}
