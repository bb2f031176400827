import type { Db } from '../db/database.js'
import type { TrialRow } from './trial.table.js'

/**
 * Inserts a trial row unless the customer or the email already had one (unique keys, so two
 * concurrent issues for one customer or email cannot both succeed). True when inserted.
 *
 * @example
 * ```ts
 * if (!(await insertTrial(trx, row))) throw new AppError('TRIAL_ALREADY_USED')
 * ```
 */
export async function insertTrial(db: Db, row: TrialRow): Promise<boolean> {
  const r = await db
    .insertInto('trials')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst()
  return r !== undefined
}

/** The trial a customer or an email already had, if any. */
export function findTrialFor(
  db: Db,
  tenantId: string,
  who: { customerId?: string | undefined; email?: string | null | undefined },
): Promise<TrialRow | undefined> {
  return db
    .selectFrom('trials')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        ...(who.customerId ? [eb('customer_id', '=', who.customerId)] : []),
        ...(who.email ? [eb('email', '=', who.email)] : []),
        eb.val(false),
      ]),
    )
    .limit(1)
    .executeTakeFirst()
}

/** The trial of a license (converted or not). */
export function findTrialOfLicense(db: Db, licenseId: string): Promise<TrialRow | undefined> {
  return db.selectFrom('trials').selectAll().where('license_id', '=', licenseId).executeTakeFirst()
}

/**
 * Claims a machine for a trial license: the first trial license activated on a fingerprint owns
 * it for good. Returns the owning license id (this one, or the earlier trial's).
 *
 * @example
 * ```ts
 * const owner = await claimTrialMachine(trx, tenantId, hash, licenseId, now)
 * ```
 */
export async function claimTrialMachine(
  db: Db,
  tenantId: string,
  fingerprintHash: string,
  licenseId: string,
  now: Date,
): Promise<string> {
  await db
    .insertInto('trial_machines')
    .values({
      tenant_id: tenantId,
      fingerprint_hash: fingerprintHash,
      license_id: licenseId,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'fingerprint_hash']).doNothing())
    .execute()
  const row = await db
    .selectFrom('trial_machines')
    .select('license_id')
    .where('tenant_id', '=', tenantId)
    .where('fingerprint_hash', '=', fingerprintHash)
    .executeTakeFirstOrThrow()
  return row.license_id
}

/** The plan a tenant offers self-service trials on; undefined: self-service is off. */
export async function selfServicePlanId(db: Db, tenantId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('trial_settings')
    .select('self_service_plan_id')
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  return row?.self_service_plan_id ?? undefined
}

/** Sets (or with null, turns off) the tenant's self-service trial plan. */
export async function saveSelfServicePlan(
  db: Db,
  tenantId: string,
  planId: string | null,
  now: Date,
): Promise<void> {
  await db
    .insertInto('trial_settings')
    .values({ tenant_id: tenantId, self_service_plan_id: planId, updated_at: now })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({ self_service_plan_id: planId, updated_at: now }),
    )
    .execute()
}
