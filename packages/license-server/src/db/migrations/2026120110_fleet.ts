import { sql, type Kysely } from 'kysely'

/**
 * Fleet schema (issue 4): deployments, source addresses per license, usage batches and
 * counters, violations.
 *
 * `deployments.last_seen_at` is rewritten by every heartbeat flush, so it is deliberately not
 * indexed and the table keeps free space per page (fillfactor 70): Postgres can then apply the
 * flush as HOT updates, without touching any index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deployments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('install_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('app_version', 'text')
    .addColumn('last_address', 'text')
    .addColumn('activated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deactivated_at', 'timestamptz')
    .addColumn('deactivated_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('deployments_license_install_uq', ['license_id', 'install_id'])
    .modifyEnd(sql`with (fillfactor = 70)`)
    .execute()
  await db.schema
    .createIndex('deployments_tenant_license_idx')
    .on('deployments')
    .columns(['tenant_id', 'license_id', 'id'])
    .execute()

  await db.schema
    .createTable('license_addresses')
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('license_addresses_pk', ['license_id', 'address'])
    .execute()

  await db.schema
    .createTable('usage_batches')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('batch_id', 'text', (c) => c.notNull())
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('install_id', 'text', (c) => c.notNull())
    .addColumn('counters', 'integer', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_batches_pk', ['tenant_id', 'batch_id'])
    .execute()

  await db.schema
    .createTable('usage_counters')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('amount', 'numeric', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('usage_counters_pk', ['license_id', 'metric', 'day'])
    .execute()

  await db.schema
    .createTable('violations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('install_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('address', 'text')
    .addColumn('occurrences', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('violations_tenant_id_idx')
    .on('violations')
    .columns(['tenant_id', 'id'])
    .execute()
  await db.schema
    .createIndex('violations_license_kind_idx')
    .on('violations')
    .columns(['license_id', 'kind', 'last_seen_at'])
    .execute()
}

/** Drops the fleet schema. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'violations',
    'usage_counters',
    'usage_batches',
    'license_addresses',
    'deployments',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
