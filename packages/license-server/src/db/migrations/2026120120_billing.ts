import { sql, type Kysely } from 'kysely'

/**
 * Billing (issue 7): stored Stripe events, the subscription -> license mapping and the
 * delivery outbox. Plans (`stripe_price_id`, `past_due_grace_days`, `cancel_behavior`) and
 * customers (`stripe_customer_id`) already carry their billing columns from the core schema.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('billing_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // The idempotency key: a redelivered or concurrently delivered event hits this and
    // becomes a no-op (INSERT ... ON CONFLICT DO NOTHING).
    .addColumn('stripe_event_id', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('livemode', 'boolean', (c) => c.notNull())
    .addColumn('stripe_created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', 'timestamptz', (c) => c.notNull())
    .addColumn('processed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('billing_events_tenant_status_idx')
    .on('billing_events')
    .columns(['tenant_id', 'status', 'id'])
    .execute()

  await db.schema
    .createTable('billing_subscriptions')
    .addColumn('stripe_subscription_id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('stripe_customer_id', 'text')
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('license_id', 'text', (c) => c.unique().references('licenses.id'))
    .addColumn('stripe_price_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('state_at', 'timestamptz', (c) => c.notNull())
    .addColumn('snapshot_at', 'timestamptz', (c) => c.notNull())
    .addColumn('current_period_end', 'timestamptz')
    .addColumn('paid_through', 'timestamptz')
    .addColumn('expiry_provisional', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('good_at', 'timestamptz', (c) => c.notNull())
    .addColumn('arrears_at', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('past_due_since', 'timestamptz')
    .addColumn('cancel_at_period_end', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('canceled_at', 'timestamptz')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // The past-due sweep scans only subscriptions in arrears.
  await db.schema
    .createIndex('billing_subscriptions_past_due_idx')
    .on('billing_subscriptions')
    .columns(['past_due_since'])
    .where('past_due_since', 'is not', null)
    .execute()

  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('license_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('outbox_messages_due_idx')
    .on('outbox_messages')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('outbox_messages_tenant_idx')
    .on('outbox_messages')
    .columns(['tenant_id', 'status', 'id'])
    .execute()
}

/** Drops the billing tables. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['outbox_messages', 'billing_subscriptions', 'billing_events']) {
    await db.schema.dropTable(table).ifExists().execute()
  }
}
