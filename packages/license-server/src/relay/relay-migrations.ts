import { sql, type Kysely, type Migration } from 'kysely'

/**
 * The relay's schema: a separate, tiny migration list (the relay's database holds leases only,
 * none of the license server's tables). Names follow the server's timestamp scheme.
 *
 * @example
 * ```ts
 * await migrateToLatest(db, relayMigrations)
 * ```
 */
export const relayMigrations: Record<string, Migration> = {
  '2026120831_relay_leases': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('relay_leases')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('license_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull().unique())
        .addColumn('deployment_id', 'text')
        .addColumn('address', 'text')
        .addColumn('overage', 'boolean', (c) => c.notNull())
        .addColumn('pool_id', 'text', (c) => c.notNull())
        .addColumn('checked_out_at', 'timestamptz', (c) => c.notNull())
        .addColumn('renewed_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('relay_leases_expiry_idx')
        .on('relay_leases')
        .column('expires_at')
        .execute()
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await sql`drop table if exists relay_leases`.execute(db)
    },
  },
}
