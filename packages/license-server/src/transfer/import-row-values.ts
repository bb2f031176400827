import {
  exportPublicJwk,
  importJwk,
  importPem,
  jwkThumbprint,
  type PublicJwk,
} from '@tollgate/license-client'
import { createPublicKey } from 'node:crypto'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { toJson } from '../lib/json.js'
import { open, seal } from '../lib/secret-box.js'
import { findUnstorableText } from '../security/reject-unstorable-text.js'
import { signingKeyAad } from '../signing-keys/create-signing-key.js'
import { newWebhookSecret, sealWebhookSecret } from '../webhooks/webhook-secret.js'
import { exportKeyAad } from './export-tenant.js'
import type { SectionSpec } from './transfer-format.js'

// One row of an import file turned into the column values of its insert, checked on the way.
// Kept apart from the batch (import-rows.ts), which decides what is inserted, skipped or refused.

/** Why one row of an import was not written. */
export type ImportConflictCode =
  | 'INVALID_LINE'
  | 'INVALID_ROW'
  | 'EXISTS_DIFFERENT'
  | 'OTHER_TENANT'
  | 'DUPLICATE_VALUE'
  | 'MISSING_REFERENCE'
  | 'KEY_MISMATCH'

/** One refused row: its line, type, id and a typed reason. */
export interface ImportConflict {
  line: number
  type: string
  id: string | null
  code: ImportConflictCode
  message: string
}

/** A parsed row line waiting in a batch. */
export interface PendingRow {
  line: number
  row: Record<string, unknown>
  privateKey?: unknown
}

/** What a batch needs from the import run. */
export interface BatchContext {
  db: Db
  tenantId: string
  masterKey: Buffer
  /** Key of the file's sealed private signing keys (encrypted exports only). */
  exportKey: Buffer | undefined
  now: Date
  conflict(c: ImportConflict): void
  /** Plans inserted with a downgrade target, linked once all plans are in. */
  downgrades: [string, string][]
}

/** A row refused before the database saw it, with its typed reason. */
export class RowError extends Error {
  constructor(
    readonly code: ImportConflictCode,
    message: string,
  ) {
    super(message)
  }
}

/** Checks a row against its section and turns it into column values for an insert. */
export function toValues(
  spec: SectionSpec,
  p: PendingRow,
  ctx: BatchContext,
): Record<string, unknown> {
  const where = findUnstorableText(p.row)
  if (where !== undefined) throw new RowError('INVALID_ROW', `${where}: NUL or unpaired surrogate`)
  const values: Record<string, unknown> = { tenant_id: ctx.tenantId }
  for (const [name, value] of Object.entries(p.row)) {
    const kind = spec.columns[name]
    if (kind === undefined) throw new RowError('INVALID_ROW', `unknown column ${name}`)
    if (kind === 'date') {
      if (value === null) values[name] = null
      else if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) {
        throw new RowError('INVALID_ROW', `${name} is not an ISO date`)
      } else values[name] = new Date(value)
    } else if (kind === 'json') {
      // Audit before/after hold JSON null; elsewhere null is SQL NULL.
      values[name] = value === null && spec.table !== 'audit_log' ? null : toJson(value)
    } else if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      values[name] = value
    } else throw new RowError('INVALID_ROW', `${name} must be a string, number, boolean or null`)
  }
  if (spec.table === 'signing_keys') signingKeyValues(values, p, ctx)
  if (spec.table === 'plans' && typeof values.downgrade_plan_id === 'string') {
    ctx.downgrades.push([values.id as string, values.downgrade_plan_id])
    values.downgrade_plan_id = null
  }
  if (spec.table === 'webhook_endpoints') {
    // The secret never travels: a new one, unknown to anyone, until the vendor rotates it.
    const id = values.id as string
    values.secret_sealed = sealWebhookSecret(ctx.masterKey, id, newWebhookSecret())
    values.status = 'disabled'
    values.disabled_reason = 'imported without its secret: rotate the secret, then enable it'
  }
  return values
}

/** A signing key's private half, re-sealed under this server's master key, or verify-only. */
function signingKeyValues(values: Record<string, unknown>, p: PendingRow, ctx: BatchContext): void {
  const kid = values.kid
  if (typeof kid !== 'string') throw new RowError('INVALID_ROW', 'kid is missing')
  let thumbprint: string
  try {
    // Re-exported from the parsed key: only public members are stored (and served in JWKS).
    const jwk = (p.row.public_jwk ?? {}) as PublicJwk
    const publicKey = importJwk({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid })
    thumbprint = jwkThumbprint(publicKey)
    values.public_jwk = toJson(exportPublicJwk(publicKey, kid))
  } catch {
    throw new RowError('INVALID_ROW', 'public_jwk is not an Ed25519 public key')
  }
  if (thumbprint !== kid)
    throw new RowError('KEY_MISMATCH', 'kid is not the thumbprint of public_jwk')
  if (p.privateKey === undefined || ctx.exportKey === undefined) {
    // Verify-only: checks the tenant's existing tokens; never signs (only active keys do).
    values.private_key_enc = ''
    values.state = 'retired'
    values.retired_at ??= ctx.now
    return
  }
  if (typeof p.privateKey !== 'string')
    throw new RowError('INVALID_ROW', 'privateKey is not a string')
  let pem: string
  try {
    pem = open(ctx.exportKey, p.privateKey, exportKeyAad(ctx.tenantId, kid))
  } catch {
    throw new AppError('IMPORT_PASSPHRASE_WRONG')
  }
  if (jwkThumbprint(createPublicKey(importPem(pem))) !== kid) {
    throw new RowError('KEY_MISMATCH', 'the private key does not match public_jwk')
  }
  values.private_key_enc = seal(ctx.masterKey, pem, signingKeyAad(ctx.tenantId, kid))
}
