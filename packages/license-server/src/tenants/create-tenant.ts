import { insertApiKey } from '../api-keys/api-key.repository.js'
import { SYSTEM_ACTOR, type AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { createSigningKey } from '../signing-keys/create-signing-key.js'
import { insertTenant } from './tenant.repository.js'
import type { TenantRow } from './tenant.table.js'

/** What {@link createTenant} returns: the owner key's secret is shown this once. */
export interface CreatedTenant {
  tenant: TenantRow
  ownerKeyId: string
  ownerKey: string
  kid: string
}

/**
 * Creates a tenant (a vendor organisation) with an owner API key (scope `*`) and an active
 * signing key. Run it inside a transaction (`db.transaction().execute(trx => createTenant(trx, ...))`).
 *
 * @example
 * ```ts
 * const { tenant, ownerKey } = await db.transaction().execute((trx) => createTenant(trx, masterKey, { name: 'Acme' }))
 * ```
 */
export async function createTenant(
  trx: Db,
  masterKey: Buffer,
  input: {
    name: string
    now?: Date
    ownerKey?: string
    signingKeyPem?: string
    actor?: AuditActor
  },
): Promise<CreatedTenant> {
  const now = input.now ?? new Date()
  const tenant: TenantRow = {
    id: newId('ten'),
    name: input.name,
    created_at: now,
    updated_at: now,
    imported_by: null,
  }
  await insertTenant(trx, tenant)
  const { row, secret } = await insertApiKey(
    trx,
    tenant.id,
    {
      name: 'owner',
      scopes: ['*'],
      createdBy: (input.actor ?? SYSTEM_ACTOR).actor,
      ...(input.ownerKey ? { secret: input.ownerKey } : {}),
    },
    now,
  )
  const { pair } = await createSigningKey(trx, tenant.id, masterKey, {
    now,
    ...(input.signingKeyPem ? { privateKeyPem: input.signingKeyPem } : {}),
  })
  await recordAudit(trx, {
    tenantId: tenant.id,
    actor: input.actor ?? SYSTEM_ACTOR,
    action: 'tenant.create',
    targetType: 'tenant',
    targetId: tenant.id,
    after: { name: tenant.name, ownerKeyId: row.id, kid: pair.kid },
    at: now,
  })
  return { tenant, ownerKeyId: row.id, ownerKey: secret, kid: pair.kid }
}
