import {
  createDevelopmentCa,
  DEFAULT_RULES,
  generateBundleKey,
  sealAnalysisBundle,
  type DevelopmentCa,
} from '@tollgate/enclave-runner'
import type { Db } from '../db/database.js'
import { open, seal } from '../lib/secret-box.js'

/** What every instance's runner for a tenant must share: one root, one measured bundle. */
export interface EnclaveState {
  ca: DevelopmentCa
  sealed: { bundle: Uint8Array; key: Uint8Array }
}

/**
 * The tenant's development CA and sealed analysis bundle from the database, created by the
 * first instance that needs them (the insert race is won once; the others read the winner's
 * row). Private parts are sealed under the master key, bound to the tenant.
 *
 * @example
 * ```ts
 * const { ca, sealed } = await loadOrCreateEnclaveState(db, masterKey, tenantId)
 * ```
 */
export async function loadOrCreateEnclaveState(
  db: Db,
  masterKey: Buffer,
  tenantId: string,
): Promise<EnclaveState> {
  let row = await db
    .selectFrom('enclave_cas')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst()
  if (row?.bundle_key_enc == null || row.bundle_b64 == null) {
    const ca = createDevelopmentCa()
    const key = generateBundleKey()
    const values = {
      tenant_id: tenantId,
      root_pem: ca.rootPem,
      intermediate_pem: ca.intermediatePem,
      intermediate_key_enc: seal(masterKey, ca.intermediateKeyPem, `enclave-ca:${tenantId}`),
      bundle_key_enc: seal(
        masterKey,
        Buffer.from(key).toString('base64'),
        `enclave-bundle:${tenantId}`,
      ),
      bundle_b64: Buffer.from(sealAnalysisBundle(DEFAULT_RULES, key)).toString('base64'),
      created_at: new Date(),
    }
    await db
      .insertInto('enclave_cas')
      .values(values)
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .execute()
    row = await db
      .selectFrom('enclave_cas')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow()
  }
  return {
    ca: {
      rootPem: row.root_pem,
      intermediatePem: row.intermediate_pem,
      intermediateKeyPem: open(masterKey, row.intermediate_key_enc, `enclave-ca:${tenantId}`),
    },
    sealed: {
      key: Buffer.from(
        open(masterKey, row.bundle_key_enc!, `enclave-bundle:${tenantId}`),
        'base64',
      ),
      bundle: Buffer.from(row.bundle_b64!, 'base64'),
    },
  }
}
