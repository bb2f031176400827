import type { Db } from '../db/database.js'
import type { OfflineActivationRow, OfflineActivationTable } from './offline-activation.table.js'
import type { Insertable } from 'kysely'

/**
 * The activation a request (license + nonce) already made, if any; row-locked with `forUpdate`.
 *
 * @example
 * ```ts
 * const row = await findByNonce(trx, licenseId, request.nonce, { forUpdate: true })
 * ```
 */
export function findByNonce(
  db: Db,
  licenseId: string,
  nonce: string,
  opts: { forUpdate?: boolean } = {},
): Promise<OfflineActivationRow | undefined> {
  let q = db
    .selectFrom('offline_activations')
    .selectAll()
    .where('license_id', '=', licenseId)
    .where('nonce', '=', nonce)
  if (opts.forUpdate) q = q.forUpdate()
  return q.executeTakeFirst()
}

/**
 * One activation of a tenant by id (another tenant's is undefined); row-locked with `forUpdate`.
 *
 * @example
 * ```ts
 * const row = await findOfflineActivation(db, tenantId, 'oac_...')
 * ```
 */
export function findOfflineActivation(
  db: Db,
  tenantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<OfflineActivationRow | undefined> {
  let q = db
    .selectFrom('offline_activations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
  if (opts.forUpdate) q = q.forUpdate()
  return q.executeTakeFirst()
}

/**
 * Records an issued machine file.
 *
 * @example
 * ```ts
 * await insertOfflineActivation(trx, { id: newId('oac'), ... })
 * ```
 */
export async function insertOfflineActivation(
  db: Db,
  row: Insertable<OfflineActivationTable>,
): Promise<OfflineActivationRow> {
  return db.insertInto('offline_activations').values(row).returningAll().executeTakeFirstOrThrow()
}

/**
 * Marks an activation deactivated (its proof was brought back).
 *
 * @example
 * ```ts
 * await markDeactivated(trx, row.id, now)
 * ```
 */
export async function markDeactivated(db: Db, id: string, at: Date): Promise<OfflineActivationRow> {
  return db
    .updateTable('offline_activations')
    .set({ deactivated_at: at })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * True when another live (not deactivated, not expired) activation holds the same deployment.
 *
 * @example
 * ```ts
 * if (!(await otherLiveActivation(trx, row, now))) await deactivateDeployment(...)
 * ```
 */
export async function otherLiveActivation(
  db: Db,
  row: OfflineActivationRow,
  now: Date,
): Promise<boolean> {
  const other = await db
    .selectFrom('offline_activations')
    .select('id')
    .where('deployment_id', '=', row.deployment_id)
    .where('id', '!=', row.id)
    .where('deactivated_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return other !== undefined
}

/**
 * A license's machine files, newest first (tenant-scoped; at most `limit`).
 *
 * @example
 * ```ts
 * const rows = await listOfflineActivations(db, tenantId, licenseId, 100)
 * ```
 */
export function listOfflineActivations(
  db: Db,
  tenantId: string,
  licenseId: string,
  limit: number,
): Promise<OfflineActivationRow[]> {
  return db
    .selectFrom('offline_activations')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', licenseId)
    .orderBy('issued_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute()
}
