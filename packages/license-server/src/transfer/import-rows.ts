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
import { sameRow, type SectionSpec } from './transfer-format.js'

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

/** Outcome counts of one batch. */
export interface BatchCounts {
  inserted: number
  unchanged: number
}

const idColumn = (spec: SectionSpec): string => (spec.table === 'signing_keys' ? 'kid' : 'id')

class RowError extends Error {
  constructor(
    readonly code: ImportConflictCode,
    message: string,
  ) {
    super(message)
  }
}

function dbErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** Checks a row against its section and turns it into column values for an insert. */
function toValues(spec: SectionSpec, p: PendingRow, ctx: BatchContext): Record<string, unknown> {
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

function rowConflict(spec: SectionSpec, p: PendingRow, err: unknown): ImportConflict {
  const id = (p.row[idColumn(spec)] as string | undefined) ?? null
  const base = { line: p.line, type: spec.type, id }
  if (err instanceof RowError) return { ...base, code: err.code, message: err.message }
  const code = dbErrorCode(err)
  if (code === '23505') {
    return { ...base, code: 'DUPLICATE_VALUE', message: 'a unique value is already taken' }
  }
  if (code === '23503') {
    return { ...base, code: 'MISSING_REFERENCE', message: 'it references a row that is not there' }
  }
  if (code?.startsWith('22') || code?.startsWith('23')) {
    return { ...base, code: 'INVALID_ROW', message: `the database refused it (${code})` }
  }
  throw err
}

/**
 * The batch's license ids that are licenses of the importing tenant (undefined when the section
 * has no `license_id`). The foreign key alone accepts any tenant's license: a row naming another
 * tenant's license (a pool would take its seats) must not land.
 */
async function tenantLicenses(
  spec: SectionSpec,
  rows: PendingRow[],
  ctx: BatchContext,
): Promise<Set<string> | undefined> {
  if (spec.columns.license_id === undefined) return undefined
  const ids = [
    ...new Set(rows.map((r) => r.row.license_id).filter((id) => typeof id === 'string')),
  ] as string[]
  if (ids.length === 0) return new Set()
  const found = await ctx.db
    .selectFrom('licenses')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('id', 'in', ids)
    .execute()
  return new Set(found.map((r) => r.id))
}

/**
 * Writes one batch of a section: rows already there (same id, same tenant, same non-volatile
 * columns) count as unchanged, so a re-run is a no-op; an id held by another tenant or with
 * other content is a conflict, never overwritten. New rows go in one insert, or one by one
 * when that fails, so one bad row is reported alone.
 *
 * @example
 * ```ts
 * const { inserted, unchanged } = await importBatch(spec, rows, ctx)
 * ```
 */
export async function importBatch(
  spec: SectionSpec,
  rows: PendingRow[],
  ctx: BatchContext,
): Promise<BatchCounts> {
  const key = idColumn(spec)
  const ids = rows.map((r) => r.row[key]).filter((id): id is string => typeof id === 'string')
  const stored = new Map<string, Record<string, unknown>>()
  if (ids.length > 0) {
    const found = (await ctx.db
      .selectFrom(spec.table)
      .selectAll()
      .where(key as never, 'in', ids as never)
      .execute()) as Record<string, unknown>[]
    for (const row of found) stored.set(row[key] as string, row)
  }
  const ownLicenses = await tenantLicenses(spec, rows, ctx)
  let unchanged = 0
  const fresh: { p: PendingRow; values: Record<string, unknown> }[] = []
  for (const p of rows) {
    try {
      const id = p.row[key]
      if (typeof id !== 'string' || id === '')
        throw new RowError('INVALID_ROW', `${key} is missing`)
      const existing = stored.get(id)
      if (existing) {
        if (existing.tenant_id !== ctx.tenantId) {
          throw new RowError('OTHER_TENANT', 'this id belongs to another tenant')
        }
        if (!sameRow(spec, p.row, existing)) {
          throw new RowError('EXISTS_DIFFERENT', 'a row with this id exists with other content')
        }
        unchanged++
        continue
      }
      if (fresh.some((f) => f.p.row[key] === id)) {
        throw new RowError('DUPLICATE_VALUE', 'this id appears twice in the file')
      }
      if (ownLicenses && !ownLicenses.has(p.row.license_id as string)) {
        throw new RowError('MISSING_REFERENCE', 'its license is not a license of this tenant')
      }
      fresh.push({ p, values: toValues(spec, p, ctx) })
    } catch (err) {
      if (err instanceof AppError) throw err
      ctx.conflict(rowConflict(spec, p, err))
    }
  }
  if (fresh.length === 0) return { inserted: 0, unchanged }
  try {
    await ctx.db
      .insertInto(spec.table)
      .values(fresh.map((f) => f.values))
      .execute()
    return { inserted: fresh.length, unchanged }
  } catch {
    // One row spoiled the batch: write them one by one to find it.
  }
  let inserted = 0
  for (const f of fresh) {
    try {
      await ctx.db.insertInto(spec.table).values(f.values).execute()
      inserted++
    } catch (err) {
      ctx.conflict(rowConflict(spec, f.p, err))
    }
  }
  return { inserted, unchanged }
}
