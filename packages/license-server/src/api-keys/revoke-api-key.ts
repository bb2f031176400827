import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findApiKey, lockActiveOwnerKeys, revokeApiKey } from './api-key.repository.js'
import type { ApiKeyRow } from './api-key.table.js'
import { toApiKeyView } from './api-key.view.js'
import { assertHoldsScopes } from './scopes.js'

/**
 * Revokes an API key (idempotent) with its `api_key.revoke` audit entry: the revoker must hold
 * each of its scopes, and the tenant's last owner key cannot go (LAST_OWNER_KEY). The API and
 * the console both call this; the caller then drops the key from its auth cache. Run it in a
 * transaction.
 *
 * @example
 * ```ts
 * const row = await db.transaction().execute((trx) => revokeApiKeyAs(trx, tenantId, id, { scopes, actor }, now()))
 * ```
 */
export async function revokeApiKeyAs(
  trx: Db,
  tenantId: string,
  id: string,
  by: { scopes: readonly string[]; actor: AuditActor },
  at: Date,
): Promise<ApiKeyRow> {
  // Owner keys locked first, in id order: two owners revoking each other wait in turn,
  // so the second sees the first's revocation and the tenant keeps one.
  const owners = await lockActiveOwnerKeys(trx, tenantId)
  const before = await findApiKey(trx, tenantId, id)
  if (!before) throw new AppError('NOT_FOUND', `No API key ${id}`)
  if (before.revoked_at !== null) return before
  assertHoldsScopes(by.scopes, before.scopes, 'revoke')
  if (before.scopes.includes('*') && owners.every((o) => o === before.id)) {
    throw new AppError('LAST_OWNER_KEY')
  }
  await revokeApiKey(trx, tenantId, before.id, at)
  const after = { ...before, revoked_at: at }
  await recordAudit(trx, {
    tenantId,
    actor: by.actor,
    action: 'api_key.revoke',
    targetType: 'api_key',
    targetId: before.id,
    before: toApiKeyView(before),
    after: toApiKeyView(after),
    at,
  })
  return after
}
