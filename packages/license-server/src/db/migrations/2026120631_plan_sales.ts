import type { Kysely } from 'kysely'

/**
 * Plan sales settings (issue 19): `public` (listed on the public, cacheable plan list for
 * pricing pages) and `purchase_mode` (`subscription`, or `payment`: a one-time Checkout that
 * issues a perpetual or fixed-term license).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('plans')
    .addColumn('public', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('purchase_mode', 'text', (c) => c.notNull().defaultTo('subscription'))
    .execute()
}

/** Drops the plan sales columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('plans').dropColumn('purchase_mode').dropColumn('public').execute()
}
