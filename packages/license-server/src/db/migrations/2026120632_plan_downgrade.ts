import type { Kysely } from 'kysely'

/**
 * `plans.downgrade_plan_id` (issue 19): with `cancel_behavior = 'downgrade'`, a license whose
 * subscription ends moves to that (free) plan instead of being revoked or lapsing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('plans').addColumn('downgrade_plan_id', 'text').execute()
}

/** Drops the column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('plans').dropColumn('downgrade_plan_id').execute()
}
