import type { Kysely } from 'kysely'

/**
 * Offline activation of air-gapped machines (issue 18): one row per machine file issued, bound
 * to the deployment row whose seat it holds, with the deployment's public key that verifies
 * its deactivation proof.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('offline_activations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('license_id', 'text', (c) =>
      c.notNull().references('licenses.id').onDelete('cascade'),
    )
    .addColumn('deployment_id', 'text', (c) =>
      c.notNull().references('deployments.id').onDelete('cascade'),
    )
    .addColumn('install_id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('deployment_key', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('app_version', 'text')
    .addColumn('issued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('deactivated_at', 'timestamptz')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    // One request (nonce) makes one activation; uploading it again re-issues the same one.
    .addUniqueConstraint('offline_activations_license_nonce_uq', ['license_id', 'nonce'])
    .execute()
  await db.schema
    .createIndex('offline_activations_tenant_idx')
    .on('offline_activations')
    .columns(['tenant_id', 'license_id', 'id'])
    .execute()
  await db.schema
    .createIndex('offline_activations_deployment_idx')
    .on('offline_activations')
    .column('deployment_id')
    .execute()
}

/** Reverses {@link up}. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('offline_activations').ifExists().execute()
}
