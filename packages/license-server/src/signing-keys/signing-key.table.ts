import type { PublicJwk } from '@tollgate/license-client'
import type { ColumnType, Generated, Selectable } from 'kysely'

/** `active` keys may sign (the newest does); `retired` keys only verify. Removed = deleted. */
export type SigningKeyState = 'active' | 'retired'

/** An Ed25519 signing key; the private half is AES-256-GCM encrypted under the master key. */
export interface SigningKeyTable {
  kid: string
  /** Insertion order (identity): the newest active key signs. */
  seq: Generated<number>
  tenant_id: string
  public_jwk: ColumnType<PublicJwk, string, string>
  /** base64(iv | tag | ciphertext) of the PKCS#8 PEM. */
  private_key_enc: string
  state: SigningKeyState
  created_at: ColumnType<Date, Date, never>
  retired_at: Date | null
}

/** Tables of the signing-keys feature. */
export interface SigningKeyTables {
  signing_keys: SigningKeyTable
}

export type SigningKeyRow = Selectable<SigningKeyTable>
