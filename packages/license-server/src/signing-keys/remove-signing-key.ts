import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { deleteSigningKey, lockSigningKeys } from './signing-key.repository.js'
import type { SigningKeyRow } from './signing-key.table.js'

/**
 * Removes a retired key from the JWKS: every license it signed stops verifying (UNKNOWN_KEY
 * offline, INVALID online) and the key-set chain is cut there. An active key is refused
 * (SIGNING_KEY_IN_USE: retire it first); another tenant's key is NOT_FOUND. Audited
 * `signing_key.delete` with the public key and the reason.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) => removeSigningKey(trx, tenantId, kid, { actor, reason: 'compromised' }, now()))
 * signingKeys.invalidate(tenantId)
 * ```
 */
export async function removeSigningKey(
  trx: Db,
  tenantId: string,
  kid: string,
  by: { actor: AuditActor; reason?: string | undefined },
  at: Date,
): Promise<SigningKeyRow> {
  const before = (await lockSigningKeys(trx, tenantId)).find((k) => k.kid === kid)
  if (!before) throw new AppError('NOT_FOUND', `No signing key ${kid}`)
  if (before.state === 'active') throw new AppError('SIGNING_KEY_IN_USE')
  await deleteSigningKey(trx, tenantId, before.kid)
  await recordAudit(trx, {
    tenantId,
    actor: by.actor,
    action: 'signing_key.delete',
    targetType: 'signing_key',
    targetId: before.kid,
    before: {
      state: before.state,
      publicJwk: before.public_jwk,
      ...(by.reason ? { reason: by.reason } : {}),
    },
    at,
  })
  return before
}
