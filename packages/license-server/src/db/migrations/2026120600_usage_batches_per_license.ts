import { sql, type Kysely } from 'kysely'

/**
 * Usage batch ids are unique per license, not per tenant: two licenses of one vendor may pick the
 * same batch id (clients generate them) and each batch must still count (issue 20).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table usage_batches drop constraint usage_batches_pk`.execute(db)
  await sql`alter table usage_batches add constraint usage_batches_pk primary key (license_id, batch_id)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // Per-tenant uniqueness again: of batch ids two licenses share, the first license's stays.
  await sql`
    delete from usage_batches a using usage_batches b
    where a.tenant_id = b.tenant_id and a.batch_id = b.batch_id and a.license_id > b.license_id
  `.execute(db)
  await sql`alter table usage_batches drop constraint usage_batches_pk`.execute(db)
  await sql`alter table usage_batches add constraint usage_batches_pk primary key (tenant_id, batch_id)`.execute(
    db,
  )
}
