import { signRevocationList, type SigningKey } from '@tollgate/license-client'
import type { Db } from '../db/database.js'

/** A signed revocation list and what it says. */
export interface BuiltRevocationList {
  jws: string
  revoked: string[]
  suspended: string[]
  issuedAt: Date
  nextUpdate: Date
}

/**
 * Builds and signs the tenant's revocation list through the codec's `signRevocationList`:
 * every revoked and every currently suspended license id, the issue time and when a fresher
 * list is expected. Read fresh on every call: a revocation shows up in the next list.
 *
 * @example
 * ```ts
 * const key = await fleet.signer.activeKey(tenantId)
 * const { jws } = await buildRevocationList(db, tenantId, key, { now: new Date(), ttlS: 3600 })
 * ```
 */
export async function buildRevocationList(
  db: Db,
  tenantId: string,
  key: SigningKey,
  opts: { now: Date; ttlS: number },
): Promise<BuiltRevocationList> {
  const rows = await db
    .selectFrom('licenses')
    .select(['id', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', ['revoked', 'suspended'])
    .orderBy('id')
    .execute()
  const revoked = rows.filter((r) => r.status === 'revoked').map((r) => r.id)
  const suspended = rows.filter((r) => r.status === 'suspended').map((r) => r.id)
  // Whole seconds: the signed claims are NumericDates, and the answer must say what they say.
  const issuedAt = new Date(Math.floor(opts.now.getTime() / 1000) * 1000)
  const nextUpdate = new Date(issuedAt.getTime() + opts.ttlS * 1000)
  const jws = signRevocationList(
    { issuer: tenantId, revoked, suspended, issuedAt, nextUpdate },
    key,
  )
  return { jws, revoked, suspended, issuedAt, nextUpdate }
}
