import { sql, type Kysely } from 'kysely'

/**
 * Scale (issue 20): what keeps hot paths flat at a million licenses.
 *
 * - `deployments.dead_after`: the moment a deployment counts as dead, written with each
 *   heartbeat flush, behind a partial index over active rows, so the culler reads only the rows
 *   that are due instead of scanning the fleet.
 * - `revocation_changes`: one row per change of a license into or out of `revoked` /
 *   `suspended`, written by a trigger (every writer, every instance). Its per-tenant `seq` is the
 *   version of the revocation list; clients fetch the changes since the version they hold.
 * - `analyze_nonces` and `enclave_cas`: state of `/v1/analyze` that used to live in one process.
 * - Indexes for every foreign key and documented filter, and for the retention jobs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table deployments add column dead_after timestamptz`.execute(db)
  await sql`
    update deployments as d
    set dead_after = d.last_seen_at + make_interval(secs => greatest(
          coalesce((l.policy->>'heartbeatIntervalS')::float8, 3600) * 3, 120))
    from licenses as l
    where l.id = d.license_id and d.status = 'active'
  `.execute(db)
  await sql`
    create index deployments_dead_after_idx on deployments (dead_after) where status = 'active'
  `.execute(db)

  await db.schema
    .createTable('revocation_changes')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('revocation_changes_tenant_seq_idx')
    .on('revocation_changes')
    .columns(['tenant_id', 'seq'])
    .execute()
  await db.schema
    .createIndex('revocation_changes_license_idx')
    .on('revocation_changes')
    .columns(['license_id'])
    .execute()
  // Lists issued before this migration: their ids count as changes of version 1..n.
  await sql`
    insert into revocation_changes (tenant_id, license_id, status)
    select tenant_id, id, status from licenses where status in ('revoked', 'suspended') order by id
  `.execute(db)
  await sql`
    create function tollgate_revocation_change() returns trigger language plpgsql as $$
    begin
      if (tg_op = 'INSERT' and new.status in ('revoked', 'suspended'))
         or (tg_op = 'UPDATE' and new.status is distinct from old.status
             and (new.status in ('revoked', 'suspended') or old.status in ('revoked', 'suspended')))
      then
        -- One writer per tenant at a time, so versions (seq) are handed out in commit order and
        -- a reader that sees version n has seen every change up to n.
        perform pg_advisory_xact_lock(hashtext('tollgate.revocations:' || new.tenant_id));
        insert into revocation_changes (tenant_id, license_id, status)
        values (new.tenant_id, new.id, new.status);
      end if;
      return null;
    end $$
  `.execute(db)
  await sql`
    create trigger licenses_revocation_change after insert or update of status on licenses
    for each row execute function tollgate_revocation_change()
  `.execute(db)

  await db.schema
    .createTable('analyze_nonces')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('analyze_nonces_pk', ['tenant_id', 'nonce'])
    .execute()
  await db.schema
    .createIndex('analyze_nonces_expires_idx')
    .on('analyze_nonces')
    .columns(['expires_at'])
    .execute()
  await db.schema
    .createTable('enclave_cas')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('root_pem', 'text', (c) => c.notNull())
    .addColumn('intermediate_pem', 'text', (c) => c.notNull())
    .addColumn('intermediate_key_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute()

  for (const [name, table, columns] of INDEXES) {
    await db.schema.createIndex(name).on(table).columns(columns).execute()
  }
  await db.schema.dropIndex('audit_log_tenant_target_idx').execute()
}

/** Indexes for foreign keys, documented filters and retention, as (name, table, columns). */
const INDEXES: readonly [string, string, string[]][] = [
  ['licenses_customer_idx', 'licenses', ['customer_id']],
  ['billing_subscriptions_customer_idx', 'billing_subscriptions', ['customer_id']],
  ['billing_subscriptions_tenant_idx', 'billing_subscriptions', ['tenant_id']],
  ['customers_tenant_email_idx', 'customers', ['tenant_id', 'email', 'id']],
  ['violations_tenant_kind_idx', 'violations', ['tenant_id', 'kind', 'id']],
  ['violations_tenant_license_idx', 'violations', ['tenant_id', 'license_id', 'id']],
  ['audit_log_tenant_action_idx', 'audit_log', ['tenant_id', 'action', 'id']],
  ['audit_log_tenant_actor_idx', 'audit_log', ['tenant_id', 'actor', 'id']],
  ['audit_log_tenant_target_id_idx', 'audit_log', ['tenant_id', 'target_id', 'id']],
  ['audit_log_tenant_target_type_idx', 'audit_log', ['tenant_id', 'target_type', 'id']],
  ['audit_log_at_idx', 'audit_log', ['at']],
  ['usage_batches_received_idx', 'usage_batches', ['received_at']],
  ['usage_batches_license_idx', 'usage_batches', ['license_id']],
  ['license_addresses_seen_idx', 'license_addresses', ['last_seen_at']],
  ['license_addresses_tenant_idx', 'license_addresses', ['tenant_id']],
  ['usage_counters_tenant_idx', 'usage_counters', ['tenant_id']],
]

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('audit_log_tenant_target_idx')
    .on('audit_log')
    .columns(['tenant_id', 'target_type', 'target_id'])
    .execute()
  for (const [name] of INDEXES) await db.schema.dropIndex(name).ifExists().execute()
  await db.schema.dropTable('enclave_cas').ifExists().execute()
  await db.schema.dropTable('analyze_nonces').ifExists().execute()
  await sql`drop trigger if exists licenses_revocation_change on licenses`.execute(db)
  await sql`drop function if exists tollgate_revocation_change()`.execute(db)
  await db.schema.dropTable('revocation_changes').ifExists().execute()
  await sql`drop index if exists deployments_dead_after_idx`.execute(db)
  await sql`alter table deployments drop column if exists dead_after`.execute(db)
}
