import type { Kysely } from 'kysely'

/** Foreign keys of the console, portal and events tables without an index leading with them. */
const INDEXES: readonly [string, string, string[]][] = [
  ['plan_seat_reset_policies_tenant_idx', 'plan_seat_reset_policies', ['tenant_id']],
  ['portal_login_codes_user_idx', 'portal_login_codes', ['user_id']],
  ['portal_seat_resets_deployment_idx', 'portal_seat_resets', ['deployment_id']],
  ['portal_seat_resets_tenant_idx', 'portal_seat_resets', ['tenant_id']],
  ['portal_support_links_customer_fk_idx', 'portal_support_links', ['customer_id']],
  ['portal_users_customer_fk_idx', 'portal_users', ['customer_id']],
  ['web_sessions_tenant_idx', 'web_sessions', ['tenant_id']],
  ['webhook_deliveries_event_idx', 'webhook_deliveries', ['event_id']],
]

/**
 * Every foreign key indexed (issue 20): deleting a parent row never scans the child table.
 * `scale-schema.test.ts` fails on any foreign key added later without an index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, columns] of INDEXES) {
    await db.schema.createIndex(name).ifNotExists().on(table).columns(columns).execute()
  }
}

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).ifExists().execute()
}
