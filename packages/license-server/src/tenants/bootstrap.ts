import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { createTenant } from './create-tenant.js'
import { findDefaultTenant } from './tenant.repository.js'

/** Result of {@link bootstrap}. `ownerKey` is set only on the start that created it. */
export interface BootstrapResult {
  tenantId: string
  created: boolean
  ownerKey?: string
}

/**
 * First start: creates the default tenant, its owner admin key and a signing key. Later starts
 * find the tenant and change nothing.
 *
 * @example
 * ```ts
 * const result = await bootstrap(db, masterKey, { now: new Date() })
 * if (result.ownerKey) console.log(`admin key: ${result.ownerKey}`)
 * ```
 */
export async function bootstrap(
  db: Kysely<Database>,
  masterKey: Buffer,
  opts: { now: Date; ownerKey?: string | undefined; signingKeyPem?: string | undefined },
): Promise<BootstrapResult> {
  return db.transaction().execute(async (trx) => {
    // Two instances starting at once against one Postgres must not both bootstrap.
    await sql`select pg_advisory_xact_lock(7274201)`.execute(trx)
    const existing = await findDefaultTenant(trx)
    if (existing) return { tenantId: existing.id, created: false }
    const created = await createTenant(trx, masterKey, {
      name: 'default',
      now: opts.now,
      ...(opts.ownerKey ? { ownerKey: opts.ownerKey } : {}),
      ...(opts.signingKeyPem ? { signingKeyPem: opts.signingKeyPem } : {}),
    })
    return { tenantId: created.tenant.id, created: true, ownerKey: created.ownerKey }
  })
}
