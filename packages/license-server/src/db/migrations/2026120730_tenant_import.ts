import type { Kysely } from 'kysely'

/**
 * `tenants.imported_by`: the tenant whose owner key created this tenant with `tollgate import`
 * (issue 19). That key may re-run the import (a no-op for rows already there); nobody else may
 * write into a tenant that is not their own. Plain text, not a foreign key: the importing
 * tenant may be removed later without touching the imported one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').addColumn('imported_by', 'text').execute()
}

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tenants').dropColumn('imported_by').execute()
}
