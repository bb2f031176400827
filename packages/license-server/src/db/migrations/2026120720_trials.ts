import { sql, type Kysely } from 'kysely'

/**
 * Trials (issue 18): `plans.trial_days` marks a trial plan; `trials` records each trial license
 * (one per customer and per email), `trial_machines` the hashed fingerprint of each machine a
 * trial ran on (one trial per machine), `trial_signup_codes` the emailed codes of self-service
 * sign-up and `trial_settings` which plan (if any) a tenant offers self-service.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('plans').addColumn('trial_days', 'integer').execute()

  await db.schema
    .createTable('trials')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) =>
      c.notNull().unique().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('customer_id', 'text', (c) => c.notNull().unique().references('customers.id'))
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
    // Lower-cased contact email at issue time: one trial per address, even across customers.
    .addColumn('email', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'timestamptz', (c) => c.notNull())
    .addColumn('converted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await sql`create unique index trials_tenant_email_idx on trials (tenant_id, email)
            where email is not null`.execute(db)
  await db.schema
    .createIndex('trials_tenant_idx')
    .on('trials')
    .columns(['tenant_id', 'id'])
    .execute()
  await db.schema.createIndex('trials_plan_idx').on('trials').column('plan_id').execute()

  await db.schema
    .createTable('trial_machines')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('fingerprint_hash', 'text', (c) => c.notNull())
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('trial_machines_pk', ['tenant_id', 'fingerprint_hash'])
    .execute()
  await db.schema
    .createIndex('trial_machines_license_idx')
    .on('trial_machines')
    .column('license_id')
    .execute()

  await db.schema
    .createTable('trial_signup_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('trial_signup_codes_email_idx')
    .on('trial_signup_codes')
    .columns(['tenant_id', 'email', 'id'])
    .execute()

  await db.schema
    .createTable('trial_settings')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    // Null: self-service trials are off (the default).
    .addColumn('self_service_plan_id', 'text', (c) => c.references('plans.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('trial_settings_plan_idx')
    .on('trial_settings')
    .column('self_service_plan_id')
    .execute()
}

/** Drops the trial tables and column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['trial_settings', 'trial_signup_codes', 'trial_machines', 'trials']) {
    await db.schema.dropTable(table).execute()
  }
  await db.schema.alterTable('plans').dropColumn('trial_days').execute()
}
