import { sql, type Kysely } from 'kysely'

/**
 * Floating seats (issue 18): one row per seat lease. A seat is held while `expires_at` is in
 * the future; an expired row holds nothing and is deleted lazily by the next checkout of its
 * license, so a crashed client needs no call to free its seat.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('seat_leases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('deployment_id', 'text')
    .addColumn('address', 'text')
    .addColumn('overage', 'boolean', (c) => c.notNull())
    .addColumn('checked_out_at', 'timestamptz', (c) => c.notNull())
    .addColumn('renewed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // One lease per (license, scope): a retried checkout of a held scope renews it.
  await db.schema
    .createIndex('seat_leases_license_scope_idx')
    .on('seat_leases')
    .columns(['license_id', 'scope'])
    .unique()
    .execute()
  await db.schema
    .createIndex('seat_leases_license_expiry_idx')
    .on('seat_leases')
    .columns(['license_id', 'expires_at'])
    .execute()
  await db.schema
    .createIndex('seat_leases_tenant_idx')
    .on('seat_leases')
    .columns(['tenant_id', 'license_id'])
    .execute()
}

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists seat_leases`.execute(db)
}
