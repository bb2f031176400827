import { sql, type Kysely } from 'kysely'

/**
 * Requests per tenant, UTC hour and kind (issue 16: the console's validations / heartbeats per
 * hour chart). The primary key is what the flush upserts on (`count = count + excluded.count`);
 * the `hour` index serves the retention job's prune by age.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('request_counts')
    // No foreign key: a counter row must never make a flush fail; retention removes old rows.
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('hour', 'timestamptz', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
    .addPrimaryKeyConstraint('request_counts_pk', ['tenant_id', 'hour', 'kind'])
    .execute()
  await db.schema
    .createIndex('request_counts_hour_idx')
    .on('request_counts')
    .column('hour')
    .execute()
}

/** Drops the table. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('request_counts').execute()
}
