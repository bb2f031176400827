import type { Selectable } from 'kysely'
import type { Db } from '../db/database.js'
import type { PortalLoginThrottleTable } from './portal.table.js'

/** The throttle state of one email. */
export type LoginThrottleRow = Selectable<PortalLoginThrottleTable>

/**
 * The throttle row of an email, created if missing and locked for the caller's transaction
 * (`FOR UPDATE`), so concurrent requests for one email are counted one after another.
 *
 * @example
 * ```ts
 * const row = await lockLoginThrottle(trx, tenantId, 'ops@acme.test', now)
 * ```
 */
export async function lockLoginThrottle(
  db: Db,
  tenantId: string,
  email: string,
  now: Date,
): Promise<LoginThrottleRow> {
  await db
    .insertInto('portal_login_throttle')
    .values({
      tenant_id: tenantId,
      email,
      window_started_at: now,
      requests: 0,
      failures: 0,
      locked_until: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'email']).doNothing())
    .execute()
  return db
    .selectFrom('portal_login_throttle')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('email', '=', email)
    .forUpdate()
    .executeTakeFirstOrThrow()
}

/** Writes the throttle state of an email. */
export async function saveLoginThrottle(db: Db, row: LoginThrottleRow): Promise<void> {
  await db
    .updateTable('portal_login_throttle')
    .set({
      window_started_at: row.window_started_at,
      requests: row.requests,
      failures: row.failures,
      locked_until: row.locked_until,
      updated_at: row.updated_at,
    })
    .where('tenant_id', '=', row.tenant_id)
    .where('email', '=', row.email)
    .execute()
}

/**
 * Deletes expired codes and idle throttle rows (older than `keepMs`), so sign-in attempts for
 * made-up emails do not grow the tables without bound.
 *
 * @example
 * ```ts
 * await purgeLoginState(db, new Date(), 86_400_000)
 * ```
 */
export async function purgeLoginState(db: Db, now: Date, keepMs: number): Promise<void> {
  const before = new Date(now.getTime() - keepMs)
  await db.deleteFrom('portal_login_codes').where('expires_at', '<', before).execute()
  await db
    .deleteFrom('portal_login_throttle')
    .where('updated_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .execute()
}
