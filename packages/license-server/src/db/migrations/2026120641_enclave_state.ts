import { sql, type Kysely } from 'kysely'

/**
 * Enclave state in the database (issue 20): the sealed analysis bundle and its key sit beside
 * the tenant's development CA, so every instance runs the same measured bundle under one root.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table enclave_cas add column bundle_key_enc text, add column bundle_b64 text`.execute(
    db,
  )
}

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table enclave_cas drop column if exists bundle_key_enc, drop column if exists bundle_b64`.execute(
    db,
  )
}
