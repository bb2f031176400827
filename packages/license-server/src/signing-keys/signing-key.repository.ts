import type { Db } from '../db/database.js'
import type { SigningKeyRow, SigningKeyState } from './signing-key.table.js'

/**
 * The tenant's signing keys (active and retired), newest first.
 *
 * @example
 * ```ts
 * const keys = await listSigningKeys(db, tenantId)
 * ```
 */
export function listSigningKeys(db: Db, tenantId: string): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .execute()
}

/**
 * The tenant's signing keys, newest first, locked (`FOR UPDATE`) until the transaction ends:
 * retire and remove take this first, so concurrent changes see each other's result.
 *
 * @example
 * ```ts
 * const keys = await lockSigningKeys(trx, tenantId)
 * ```
 */
export function lockSigningKeys(trx: Db, tenantId: string): Promise<SigningKeyRow[]> {
  return trx
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .forUpdate()
    .execute()
}

/** One signing key of the tenant, or undefined (another tenant's key is undefined too). */
export function findSigningKey(
  db: Db,
  tenantId: string,
  kid: string,
): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('kid', '=', kid)
    .executeTakeFirst()
}

/** The newest active key: the one that signs. */
export function findNewestActiveKey(db: Db, tenantId: string): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('state', '=', 'active')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** Sets a key's state. */
export async function setSigningKeyState(
  db: Db,
  tenantId: string,
  kid: string,
  state: SigningKeyState,
  at: Date,
): Promise<void> {
  await db
    .updateTable('signing_keys')
    .set({ state, retired_at: state === 'retired' ? at : null })
    .where('tenant_id', '=', tenantId)
    .where('kid', '=', kid)
    .execute()
}

/** Deletes a key (its tokens then fail with UNKNOWN_KEY). */
export async function deleteSigningKey(db: Db, tenantId: string, kid: string): Promise<void> {
  await db
    .deleteFrom('signing_keys')
    .where('tenant_id', '=', tenantId)
    .where('kid', '=', kid)
    .execute()
}
