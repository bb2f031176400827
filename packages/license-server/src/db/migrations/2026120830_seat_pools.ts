import { sql, type Kysely } from 'kysely'

/**
 * Air-gapped floating relay (issue 18): one row per signed pool file. A pool holds `seats` of
 * its license's floating seats while `expires_at` is in the future, so online checkouts count
 * against what the pools leave; an expired pool gives its seats back without any call.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('seat_pools')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('lease_ttl_s', 'integer', (c) => c.notNull())
    .addColumn('overage', 'text', (c) => c.notNull())
    .addColumn('relay_kid', 'text', (c) => c.notNull())
    .addColumn('relay_key', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('hostname', 'text', (c) => c.notNull())
    .addColumn('not_before', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('seat_pools_license_expiry_idx')
    .on('seat_pools')
    .columns(['license_id', 'expires_at'])
    .execute()
  await db.schema
    .createIndex('seat_pools_tenant_idx')
    .on('seat_pools')
    .columns(['tenant_id', 'license_id'])
    .execute()
}

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists seat_pools`.execute(db)
}
