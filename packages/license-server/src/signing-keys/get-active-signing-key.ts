import { importPem, type SigningKey } from '@tollgate/license-client'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { open } from '../lib/secret-box.js'
import { signingKeyAad } from './create-signing-key.js'
import { findNewestActiveKey } from './signing-key.repository.js'
import type { SigningKeyRow } from './signing-key.table.js'

/** Decrypts a stored key row into a SigningKey. */
export function unsealSigningKey(row: SigningKeyRow, masterKey: Buffer): SigningKey {
  const pem = open(masterKey, row.private_key_enc, signingKeyAad(row.tenant_id, row.kid))
  return { kid: row.kid, privateKey: importPem(pem) }
}

/**
 * The key new tokens, leases and revocation lists are signed with: the tenant's newest active
 * key, decrypted. Throws NO_ACTIVE_SIGNING_KEY when every key is retired.
 *
 * Prefer `app.tollgate.signingKeys.getActive(db, tenantId)`, which caches the decrypted key.
 *
 * @example
 * ```ts
 * const key = await getActiveSigningKey(db, tenantId, masterKey)
 * const lease = signLease({ licenseId, deploymentId, status: 'active', validUntil }, key)
 * ```
 */
export async function getActiveSigningKey(
  db: Db,
  tenantId: string,
  masterKey: Buffer,
): Promise<SigningKey> {
  const row = await findNewestActiveKey(db, tenantId)
  if (row === undefined) throw new AppError('NO_ACTIVE_SIGNING_KEY')
  return unsealSigningKey(row, masterKey)
}
