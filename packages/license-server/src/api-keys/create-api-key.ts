import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { insertApiKey } from './api-key.repository.js'
import type { ApiKeyRow } from './api-key.table.js'
import { toApiKeyView } from './api-key.view.js'
import { assertHoldsScopes } from './scopes.js'

/** Who creates a key: the scopes they hold (a key can only grant those), name and actor. */
export interface KeyGranter {
  scopes: readonly string[]
  /** Stored as `created_by` (`key:<id>`, `staff:<id>`). */
  createdBy: string
  actor: AuditActor
}

/**
 * Creates an admin API key holding `scopes` (each held by the granter, else
 * INSUFFICIENT_SCOPE) with its `api_key.create` audit entry; the secret is returned once. The
 * API and the console both call this. Run it in a transaction.
 *
 * @example
 * ```ts
 * const { row, secret } = await db.transaction().execute((trx) =>
 *   createApiKey(trx, tenantId, { name: 'ci', scopes: ['licenses:read'] }, granter, now()),
 * )
 * ```
 */
export async function createApiKey(
  trx: Db,
  tenantId: string,
  input: { name: string; scopes: string[] },
  by: KeyGranter,
  at: Date,
): Promise<{ row: ApiKeyRow; secret: string }> {
  assertHoldsScopes(by.scopes, input.scopes, 'grant')
  const created = await insertApiKey(
    trx,
    tenantId,
    { name: input.name, scopes: input.scopes, createdBy: by.createdBy },
    at,
  )
  await recordAudit(trx, {
    tenantId,
    actor: by.actor,
    action: 'api_key.create',
    targetType: 'api_key',
    targetId: created.row.id,
    after: toApiKeyView(created.row),
    at,
  })
  return created
}
