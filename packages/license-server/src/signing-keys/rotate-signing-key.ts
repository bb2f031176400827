import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { createSigningKey } from './create-signing-key.js'
import type { SigningKeyRow } from './signing-key.table.js'
import { toSigningKeyView } from './signing-key.view.js'

/**
 * Rotates: a new active key that signs from now on, audited `signing_key.rotate`. Older keys
 * keep verifying (and stay active until retired), so no issued license breaks. The admin API
 * and the console call this in a transaction, then `signingKeys.invalidate(tenantId)`.
 *
 * @example
 * ```ts
 * const row = await db.transaction().execute((trx) => rotateSigningKey(trx, tenantId, masterKey, { actor }, now()))
 * signingKeys.invalidate(tenantId)
 * ```
 */
export async function rotateSigningKey(
  trx: Db,
  tenantId: string,
  masterKey: Buffer,
  by: { actor: AuditActor; reason?: string | undefined },
  at: Date,
): Promise<SigningKeyRow> {
  const { row } = await createSigningKey(trx, tenantId, masterKey, { now: at })
  await recordAudit(trx, {
    tenantId,
    actor: by.actor,
    action: 'signing_key.rotate',
    targetType: 'signing_key',
    targetId: row.kid,
    after: { ...toSigningKeyView(row, row.kid), ...(by.reason ? { reason: by.reason } : {}) },
    at,
  })
  return row
}
