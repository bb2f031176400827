import { sql, type Kysely } from 'kysely'

/**
 * Indexes of the console's list searches (issue 16: list pages of a 1M-license tenant in under
 * 300 ms). Customer name and email searches are case-insensitive prefix matches
 * (`lower(name) like 'acme%'`), served by `text_pattern_ops` expression indexes whatever the
 * database collation (pg_trgm is not available on every Postgres nor loaded in PGlite, so
 * substring search is not offered). The plan filter gets its keyset index like status has, and the expiry range its
 * per-tenant index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index customers_tenant_lower_name_idx
              on customers (tenant_id, lower(name) text_pattern_ops)`.execute(db)
  await sql`create index customers_tenant_lower_email_idx
              on customers (tenant_id, lower(email) text_pattern_ops)`.execute(db)
  await sql`create index licenses_tenant_plan_idx on licenses (tenant_id, plan_id, id)`.execute(db)
  await sql`create index licenses_tenant_expires_idx on licenses (tenant_id, expires_at)`.execute(
    db,
  )
}

/** Drops the indexes. */
export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'licenses_tenant_expires_idx',
    'licenses_tenant_plan_idx',
    'customers_tenant_lower_email_idx',
    'customers_tenant_lower_name_idx',
  ]) {
    await sql`drop index if exists ${sql.id(name)}`.execute(db)
  }
}
