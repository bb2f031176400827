import { sql, type Kysely } from 'kysely'

/** Core schema: tenants, customers, plans, licenses, api_keys, signing_keys, audit_log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('external_id', 'text')
    .addColumn('stripe_customer_id', 'text')
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('customers_tenant_id_idx')
    .on('customers')
    .columns(['tenant_id', 'id'])
    .execute()
  await db.schema
    .createIndex('customers_tenant_external_uq')
    .on('customers')
    .columns(['tenant_id', 'external_id'])
    .unique()
    .execute()
  await db.schema
    .createIndex('customers_tenant_stripe_uq')
    .on('customers')
    .columns(['tenant_id', 'stripe_customer_id'])
    .unique()
    .execute()

  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('entitlements', 'jsonb', (c) => c.notNull())
    .addColumn('limits', 'jsonb', (c) => c.notNull())
    .addColumn('policy', 'jsonb', (c) => c.notNull())
    .addColumn('duration_days', 'integer')
    .addColumn('stripe_price_id', 'text')
    .addColumn('past_due_grace_days', 'integer', (c) => c.notNull().defaultTo(7))
    .addColumn('cancel_behavior', 'text', (c) => c.notNull().defaultTo('revoke'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('plans_tenant_id_idx')
    .on('plans')
    .columns(['tenant_id', 'id'])
    .execute()
  await db.schema
    .createIndex('plans_tenant_stripe_price_uq')
    .on('plans')
    .columns(['tenant_id', 'stripe_price_id'])
    .unique()
    .execute()

  await db.schema
    .createTable('licenses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_reason', 'text')
    .addColumn('entitlements', 'jsonb', (c) => c.notNull())
    .addColumn('limits', 'jsonb', (c) => c.notNull())
    .addColumn('policy', 'jsonb', (c) => c.notNull())
    .addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('kid', 'text', (c) => c.notNull())
    .addColumn('deployment_id', 'text')
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz')
    .addColumn('suspended_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('licenses_tenant_id_idx')
    .on('licenses')
    .columns(['tenant_id', 'id'])
    .execute()
  await db.schema
    .createIndex('licenses_tenant_status_idx')
    .on('licenses')
    .columns(['tenant_id', 'status', 'id'])
    .execute()
  await db.schema
    .createIndex('licenses_tenant_customer_idx')
    .on('licenses')
    .columns(['tenant_id', 'customer_id', 'id'])
    .execute()
  await db.schema.createIndex('licenses_plan_idx').on('licenses').columns(['plan_id']).execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('scopes', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('api_keys_tenant_id_idx')
    .on('api_keys')
    .columns(['tenant_id', 'id'])
    .execute()

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    // Creation order independent of clocks: the newest active key is the signer.
    .addColumn('seq', 'integer', (c) => c.notNull().generatedByDefaultAsIdentity())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('public_jwk', 'jsonb', (c) => c.notNull())
    .addColumn('private_key_enc', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('retired_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('signing_keys_tenant_idx')
    .on('signing_keys')
    .columns(['tenant_id', 'state'])
    .execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('request_id', 'text')
    .addColumn('ip', 'text')
    .execute()
  await db.schema
    .createIndex('audit_log_tenant_id_idx')
    .on('audit_log')
    .columns(['tenant_id', 'id'])
    .execute()
  await db.schema
    .createIndex('audit_log_tenant_target_idx')
    .on('audit_log')
    .columns(['tenant_id', 'target_type', 'target_id'])
    .execute()
}

/** Drops the core schema (reverse order of dependencies). */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'audit_log',
    'signing_keys',
    'api_keys',
    'licenses',
    'plans',
    'customers',
    'tenants',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
