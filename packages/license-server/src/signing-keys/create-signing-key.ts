import {
  exportPem,
  exportPublicJwk,
  generateKeyPair,
  importPem,
  jwkThumbprint,
  type Ed25519KeyPair,
} from '@tollgate/license-client'
import { createPublicKey } from 'node:crypto'
import type { Db } from '../db/database.js'
import { seal } from '../lib/secret-box.js'
import { toJson } from '../lib/json.js'
import type { SigningKeyRow } from './signing-key.table.js'

/** Additional authenticated data binding a sealed private key to its tenant and kid. */
export function signingKeyAad(tenantId: string, kid: string): string {
  return `tollgate-signing-key:${tenantId}:${kid}`
}

/**
 * Generates (or imports from a PKCS#8 PEM) an Ed25519 key, stores it active with the private
 * half encrypted under the master key, and returns the pair and row.
 *
 * @example
 * ```ts
 * const { pair } = await createSigningKey(trx, tenantId, masterKey, { now: new Date() })
 * ```
 */
export async function createSigningKey(
  db: Db,
  tenantId: string,
  masterKey: Buffer,
  opts: { now: Date; privateKeyPem?: string },
): Promise<{ pair: Ed25519KeyPair; row: SigningKeyRow }> {
  let pair: Ed25519KeyPair
  if (opts.privateKeyPem) {
    const privateKey = importPem(opts.privateKeyPem)
    const publicKey = createPublicKey(privateKey)
    pair = { kid: jwkThumbprint(publicKey), privateKey, publicKey }
  } else {
    pair = generateKeyPair()
  }
  const jwk = exportPublicJwk(pair.publicKey, pair.kid)
  const fields = {
    kid: pair.kid,
    tenant_id: tenantId,
    public_jwk: jwk,
    private_key_enc: seal(masterKey, exportPem(pair.privateKey), signingKeyAad(tenantId, pair.kid)),
    state: 'active' as const,
    created_at: opts.now,
    retired_at: null,
  }
  const { seq } = await db
    .insertInto('signing_keys')
    .values({ ...fields, public_jwk: toJson(jwk) })
    .returning('seq')
    .executeTakeFirstOrThrow()
  return { pair, row: { ...fields, seq } }
}
