import type { Selectable } from 'kysely'

/** A `/v1/analyze` nonce already used by a tenant, kept until it could no longer be replayed. */
export interface AnalyzeNonceTable {
  tenant_id: string
  nonce: string
  expires_at: Date
}

/** A tenant's development CA for emulated attestation (one per tenant, shared by instances). */
export interface EnclaveCaTable {
  tenant_id: string
  root_pem: string
  intermediate_pem: string
  /** The intermediate's PKCS#8 PEM, sealed under the master key (`lib/secret-box.ts`). */
  intermediate_key_enc: string
  /** The sealed analysis bundle's key, sealed under the master key. */
  bundle_key_enc: string | null
  /** The sealed analysis bundle (base64). */
  bundle_b64: string | null
  created_at: Date
}

export type EnclaveCaRow = Selectable<EnclaveCaTable>

/** The analyze feature's tables. */
export interface AnalyzeStateTables {
  analyze_nonces: AnalyzeNonceTable
  enclave_cas: EnclaveCaTable
}
