import { sql, type Kysely } from 'kysely'

/**
 * Web foundation (issue 16): browser sessions of the staff console and the customer portal, and
 * the attempt counters that limit sign-ins.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('web_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('realm', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.references('tenants.id'))
    .addColumn('subject_id', 'text')
    .addColumn('data', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('idle_expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute()
  await db.schema
    .createIndex('web_sessions_subject_idx')
    .on('web_sessions')
    .columns(['realm', 'subject_id'])
    .execute()
  await db.schema
    .createIndex('web_sessions_expires_idx')
    .on('web_sessions')
    .column('expires_at')
    .execute()

  await db.schema
    .createTable('web_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('web_attempts_window_idx')
    .on('web_attempts')
    .column('window_start')
    .execute()
}

/** Drops the web foundation tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('web_attempts').ifExists().execute()
  await db.schema.dropTable('web_sessions').ifExists().execute()
}
