import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'

/** How long a used nonce is remembered (the runner refuses attestations far younger). */
export const NONCE_TTL_MS = 7 * 86_400_000

/**
 * Claims a `/v1/analyze` nonce for the tenant in the database, so every instance refuses a
 * nonce any of them has seen (the runner's own memory only covers itself): the insert wins
 * once; a second claim, here or on another instance, is 409 NONCE_REPLAYED.
 *
 * @example
 * ```ts
 * await claimAnalyzeNonce(db, tenantId, body.nonce, new Date())
 * ```
 */
export async function claimAnalyzeNonce(
  db: Db,
  tenantId: string,
  nonce: string,
  now: Date,
): Promise<void> {
  const { rows } = await sql<{ nonce: string }>`
    insert into analyze_nonces (tenant_id, nonce, expires_at)
    values (${tenantId}, ${nonce}, ${new Date(now.getTime() + NONCE_TTL_MS).toISOString()}::timestamptz)
    on conflict (tenant_id, nonce) do update set expires_at = excluded.expires_at
      where analyze_nonces.expires_at <= ${now.toISOString()}::timestamptz
    returning nonce
  `.execute(db)
  if (rows.length === 0) {
    throw new AppError('NONCE_REPLAYED', 'This nonce was already used; send a fresh one')
  }
}
