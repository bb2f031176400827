import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { lockSigningKeys, setSigningKeyState } from './signing-key.repository.js'
import type { SigningKeyRow } from './signing-key.table.js'

/**
 * Retires a key: it signs nothing new but stays in the JWKS, so its licenses keep verifying.
 * Idempotent on a retired key; another tenant's key is NOT_FOUND; the tenant's only active key
 * cannot go (LAST_SIGNING_KEY). The tenant's keys are locked first, so two retires at once
 * cannot leave the tenant without a signer. Audited `signing_key.retire` with the reason.
 *
 * @example
 * ```ts
 * await db.transaction().execute((trx) => retireSigningKey(trx, tenantId, kid, { actor, reason: 'yearly rotation' }, now()))
 * signingKeys.invalidate(tenantId)
 * ```
 */
export async function retireSigningKey(
  trx: Db,
  tenantId: string,
  kid: string,
  by: { actor: AuditActor; reason?: string | undefined },
  at: Date,
): Promise<SigningKeyRow> {
  const keys = await lockSigningKeys(trx, tenantId)
  const before = keys.find((k) => k.kid === kid)
  if (!before) throw new AppError('NOT_FOUND', `No signing key ${kid}`)
  if (before.state === 'retired') return before
  if (keys.filter((k) => k.state === 'active').length <= 1) throw new AppError('LAST_SIGNING_KEY')
  await setSigningKeyState(trx, tenantId, before.kid, 'retired', at)
  await recordAudit(trx, {
    tenantId,
    actor: by.actor,
    action: 'signing_key.retire',
    targetType: 'signing_key',
    targetId: before.kid,
    before: { state: before.state },
    after: { state: 'retired', ...(by.reason ? { reason: by.reason } : {}) },
    at,
  })
  return { ...before, state: 'retired', retired_at: at }
}
