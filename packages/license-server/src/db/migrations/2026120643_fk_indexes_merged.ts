import type { Kysely } from 'kysely'

/**
 * Foreign keys left without a leading index once the feature branches met: the console's
 * passkeys, and usage batches (whose unique key became `(license_id, batch_id)`).
 */
const INDEXES: readonly [string, string, string[]][] = [
  ['staff_passkeys_tenant_idx', 'staff_passkeys', ['tenant_id']],
  ['usage_batches_tenant_idx', 'usage_batches', ['tenant_id']],
]

/** Every foreign key indexed (issue 20); `scale-schema.test.ts` checks it. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of INDEXES) {
    await db.schema.createIndex(name).ifNotExists().on(table).columns(columns).execute()
  }
}

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).ifExists().execute()
}
