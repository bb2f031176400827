import { iso } from '../lib/json.js'
import type { SigningKeyRow } from './signing-key.table.js'

/** A signing key as the admin API, the console and the audit log show it (never the private half). */
export interface SigningKeyView {
  kid: string
  state: SigningKeyRow['state']
  /** Whether this is the key that signs new tokens (the newest active one). */
  signing: boolean
  publicJwk: SigningKeyRow['public_jwk']
  createdAt: string
  retiredAt: string | null
}

/**
 * Row to view; `signerKid` is the kid of the newest active key.
 *
 * @example
 * ```ts
 * const view = toSigningKeyView(row, row.kid)
 * ```
 */
export function toSigningKeyView(
  row: SigningKeyRow,
  signerKid: string | undefined,
): SigningKeyView {
  return {
    kid: row.kid,
    state: row.state,
    signing: row.kid === signerKid,
    publicJwk: row.public_jwk,
    createdAt: iso(row.created_at)!,
    retiredAt: iso(row.retired_at),
  }
}
