import type { Kysely } from 'kysely'

/**
 * Named users (issue 18): one row per (license, hashed user id). The primary key makes an
 * assignment exist once; the count against `limits.maxUsers` is taken under the license's row
 * lock, so concurrent assigns on any instance never exceed it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('license_users')
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    // SHA-256 (hex) of the app's user id salted with the license id: no personal data.
    .addColumn('user_hash', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('license_users_pk', ['license_id', 'user_hash'])
    .execute()
  await db.schema
    .createIndex('license_users_tenant_idx')
    .on('license_users')
    .columns(['tenant_id', 'license_id'])
    .execute()
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('license_users').execute()
}
