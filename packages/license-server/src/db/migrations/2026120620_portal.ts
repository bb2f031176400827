import type { Kysely } from 'kysely'

/**
 * Customer portal (issue 17): portal people, one-time sign-in codes and their throttle, seat
 * resets and the per-plan reset policy, staff support links and per-tenant branding.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portal_users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // A deleted customer takes its portal people and support links with it (audit stays).
    .addColumn('customer_id', 'text', (c) =>
      c.notNull().references('customers.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'text', (c) => c.notNull())
    .addColumn('last_login_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('portal_users_tenant_email_uq', ['tenant_id', 'email'])
    .execute()
  await db.schema
    .createIndex('portal_users_customer_idx')
    .on('portal_users')
    .columns(['tenant_id', 'customer_id', 'id'])
    .execute()

  await db.schema
    .createTable('portal_login_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('portal_users.id').onDelete('cascade'))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('salt', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('consumed_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('portal_login_codes_email_idx')
    .on('portal_login_codes')
    .columns(['tenant_id', 'email', 'id'])
    .execute()

  await db.schema
    .createTable('portal_login_throttle')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('portal_login_throttle_pk', ['tenant_id', 'email'])
    .execute()

  await db.schema
    .createTable('portal_seat_resets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('deployment_id', 'text', (c) => c.notNull().references('deployments.id'))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('portal_seat_resets_license_idx')
    .on('portal_seat_resets')
    .columns(['license_id', 'at'])
    .execute()

  await db.schema
    .createTable('plan_seat_reset_policies')
    .addColumn('plan_id', 'text', (c) => c.primaryKey().references('plans.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('max_resets', 'integer', (c) => c.notNull())
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('cooldown_hours', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('portal_support_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('customer_id', 'text', (c) =>
      c.notNull().references('customers.id').onDelete('cascade'),
    )
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('used_ip', 'text')
    .execute()
  await db.schema
    .createIndex('portal_support_links_customer_idx')
    .on('portal_support_links')
    .columns(['tenant_id', 'customer_id', 'id'])
    .execute()

  await db.schema
    .createTable('tenant_branding')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('product_name', 'text')
    .addColumn('logo_url', 'text')
    .addColumn('support_email', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

/** Drops the portal tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'tenant_branding',
    'portal_support_links',
    'plan_seat_reset_policies',
    'portal_seat_resets',
    'portal_login_throttle',
    'portal_login_codes',
    'portal_users',
  ]) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
