import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { toJson } from '../lib/json.js'
import { generateApiKeySecret, hashApiKeySecret } from './api-key-secret.js'
import type { ApiKeyRow } from './api-key.table.js'

/**
 * Creates an API key; the secret is returned once and only its hash is stored.
 *
 * @example
 * ```ts
 * const { row, secret } = await insertApiKey(trx, tenantId, { name: 'ci', scopes: ['licenses:read'], createdBy: 'key:key_1' }, now)
 * ```
 */
export async function insertApiKey(
  db: Db,
  tenantId: string,
  input: { name: string; scopes: string[]; createdBy: string; secret?: string },
  now: Date,
): Promise<{ row: ApiKeyRow; secret: string }> {
  const secret = input.secret ?? generateApiKeySecret()
  const { keyHash, prefix } = hashApiKeySecret(secret)
  const row: ApiKeyRow = {
    id: newId('key'),
    tenant_id: tenantId,
    name: input.name,
    key_hash: keyHash,
    prefix,
    scopes: input.scopes,
    created_by: input.createdBy,
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  }
  await db
    .insertInto('api_keys')
    .values({ ...row, scopes: toJson(row.scopes) })
    .execute()
  return { row, secret }
}

/** Looks a key up by the hash of its secret (any tenant: the key names its tenant). */
export function findApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst()
}

/** One key of the tenant. */
export function findApiKey(db: Db, tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** The tenant's keys, newest first, cursor-paginated by id. */
export function listApiKeys(
  db: Db,
  tenantId: string,
  page: { limit: number; after?: string | undefined },
): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId)
  if (page.after) q = q.where('id', '<', page.after)
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

/** Ids of the tenant's active `*` keys, row-locked until the transaction ends (id order). */
export async function lockActiveOwnerKeys(db: Db, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'scopes'])
    .where('tenant_id', '=', tenantId)
    .where('revoked_at', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute()
  return rows.filter((r) => r.scopes.includes('*')).map((r) => r.id)
}

/** Marks a key revoked. */
export async function revokeApiKey(db: Db, tenantId: string, id: string, at: Date): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute()
}

/** Records use (throttled by the caller). */
export async function touchApiKey(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute()
}
