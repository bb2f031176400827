import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { isTenantId } from '../lib/ids.js'
import { createSigningKey } from '../signing-keys/create-signing-key.js'
import { findTenant } from '../tenants/tenant.repository.js'
import { exportKeyFrom } from './export-passphrase.js'
import type { BatchContext, ImportConflict, PendingRow } from './import-row-values.js'
import { importBatch } from './import-rows.js'
import { EXPORT_FORMAT, EXPORT_VERSION, sectionOf, type SectionSpec } from './transfer-format.js'

/** Conflicts listed in the answer; the rest are only counted. */
const CONFLICTS_LISTED = 1000
const BATCH = 200

/** Who imports, from the admin auth. */
export interface Importer {
  tenantId: string
  scopes: readonly string[]
  actor: AuditActor
}

/** The answer of an import. */
export interface ImportSummary {
  tenantId: string
  createdTenant: boolean
  /** The file's end line was read: nothing was cut off. */
  complete: boolean
  signingKeys: 'private' | 'verify-only'
  /** Set when the tenant had no active signing key after the import and one was made. */
  createdSigningKey: string | null
  counts: Record<string, { inserted: number; unchanged: number; conflicts: number }>
  conflictCount: number
  conflicts: ImportConflict[]
}

interface Header {
  format?: unknown
  version?: unknown
  tenant?: { id?: unknown; name?: unknown; createdAt?: unknown }
  signingKeys?: unknown
  kdf?: unknown
}

function parseHeader(line: string | undefined): { id: string; name: string; header: Header } {
  let header: Header | null = null
  try {
    header = line === undefined ? null : (JSON.parse(line) as Header)
  } catch {
    header = null
  }
  if (!header || typeof header !== 'object' || header.format !== EXPORT_FORMAT) {
    throw new AppError('IMPORT_FORMAT_INVALID', 'The first line is not a Tollgate export header')
  }
  if (header.version !== EXPORT_VERSION) {
    throw new AppError(
      'IMPORT_FORMAT_INVALID',
      `Export format version ${String(header.version)} is not supported (this server reads ${EXPORT_VERSION})`,
    )
  }
  const id = header.tenant?.id
  const name = header.tenant?.name
  if (!isTenantId(id) || typeof name !== 'string' || name.length > 200 || name.includes('\u0000')) {
    throw new AppError('IMPORT_FORMAT_INVALID', 'The header names no valid tenant')
  }
  return { id, name, header }
}

/**
 * The tenant rows go to: the importer's own, a tenant its owner key created by an earlier import
 * (a re-run), or, for an owner key (`*`), a new tenant with the exported id (kept: license keys
 * name it as issuer). Any other existing tenant is refused.
 */
async function targetTenant(
  db: Db,
  importer: Importer,
  file: { id: string; name: string },
  now: Date,
): Promise<boolean> {
  if (file.id === importer.tenantId) return false
  const existing = await findTenant(db, file.id)
  if (existing) {
    if (existing.imported_by === importer.tenantId) return false
    throw new AppError('IMPORT_TENANT_FORBIDDEN')
  }
  if (!importer.scopes.includes('*')) throw new AppError('IMPORT_TENANT_FORBIDDEN')
  await db
    .insertInto('tenants')
    .values({
      id: file.id,
      name: file.name,
      created_at: now,
      updated_at: now,
      imported_by: importer.tenantId,
    })
    .execute()
  return true
}

/**
 * Imports an export file (lines from {@link exportTenant}) into this server, keeping every id:
 * idempotent (a re-run reports rows as unchanged), conflicts reported per row with a typed code
 * and never overwritten. Rows are read and written in batches, so memory stays bounded. Private
 * signing keys need the export's passphrase; without them the tenant's keys come in
 * verify-only, and a new active key is made so the tenant can sign again.
 *
 * @example
 * ```ts
 * const summary = await importTenant(db, { masterKey, now }, importer, ndjsonLines(req.raw, 1 << 20), {})
 * ```
 */
export async function importTenant(
  db: Db,
  deps: { masterKey: Buffer; now: Date },
  importer: Importer,
  lines: AsyncIterable<string>,
  opts: { passphrase?: string },
): Promise<ImportSummary> {
  const iterator = lines[Symbol.asyncIterator]()
  const first = await iterator.next()
  const file = parseHeader(first.done ? undefined : first.value)
  const encrypted = file.header.signingKeys === 'encrypted'
  if (encrypted && opts.passphrase === undefined) throw new AppError('IMPORT_PASSPHRASE_REQUIRED')
  const exportKey = encrypted ? await exportKeyFrom(opts.passphrase!, file.header.kdf) : undefined
  const createdTenant = await targetTenant(db, importer, file, deps.now)

  const summary: ImportSummary = {
    tenantId: file.id,
    createdTenant,
    complete: false,
    signingKeys: encrypted ? 'private' : 'verify-only',
    createdSigningKey: null,
    counts: {},
    conflictCount: 0,
    conflicts: [],
  }
  const countsOf = (type: string) =>
    (summary.counts[type] ??= { inserted: 0, unchanged: 0, conflicts: 0 })
  const ctx: BatchContext = {
    db,
    tenantId: file.id,
    masterKey: deps.masterKey,
    exportKey,
    now: deps.now,
    downgrades: [],
    conflict: (c) => {
      summary.conflictCount++
      countsOf(c.type).conflicts++
      if (summary.conflicts.length < CONFLICTS_LISTED) summary.conflicts.push(c)
    },
  }
  let batch: { spec: SectionSpec; rows: PendingRow[] } | undefined
  const flush = async () => {
    if (!batch) return
    const { inserted, unchanged } = await importBatch(batch.spec, batch.rows, ctx)
    countsOf(batch.spec.type).inserted += inserted
    countsOf(batch.spec.type).unchanged += unchanged
    batch = undefined
  }
  let lineNo = 1
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
    lineNo++
    let parsed: { type?: unknown; row?: unknown; privateKey?: unknown }
    try {
      parsed = JSON.parse(next.value) as typeof parsed
    } catch {
      ctx.conflict({
        line: lineNo,
        type: 'unknown',
        id: null,
        code: 'INVALID_LINE',
        message: 'not JSON',
      })
      continue
    }
    if (parsed?.type === 'end') {
      summary.complete = true
      continue
    }
    const spec = typeof parsed?.type === 'string' ? sectionOf(parsed.type) : undefined
    if (
      !spec ||
      parsed.row === null ||
      typeof parsed.row !== 'object' ||
      Array.isArray(parsed.row)
    ) {
      ctx.conflict({
        line: lineNo,
        type: typeof parsed?.type === 'string' ? parsed.type.slice(0, 40) : 'unknown',
        id: null,
        code: 'INVALID_LINE',
        message: 'not a row of a known section',
      })
      continue
    }
    if (batch && (batch.spec !== spec || batch.rows.length >= BATCH)) await flush()
    batch ??= { spec, rows: [] }
    batch.rows.push({
      line: lineNo,
      row: parsed.row as Record<string, unknown>,
      privateKey: parsed.privateKey,
    })
  }
  await flush()
  await finish(db, deps, importer, summary, ctx)
  return summary
}

/** Links plan downgrades, makes sure the tenant can sign, and audits the import. */
async function finish(
  db: Db,
  deps: { masterKey: Buffer; now: Date },
  importer: Importer,
  summary: ImportSummary,
  ctx: BatchContext,
): Promise<void> {
  for (const [planId, target] of ctx.downgrades) {
    try {
      await db
        .updateTable('plans')
        .set({ downgrade_plan_id: target })
        .where('tenant_id', '=', summary.tenantId)
        .where('id', '=', planId)
        .execute()
    } catch {
      ctx.conflict({
        line: 0,
        type: 'plan',
        id: planId,
        code: 'MISSING_REFERENCE',
        message: `downgrade plan ${target} is not there`,
      })
    }
  }
  const active = await db
    .selectFrom('signing_keys')
    .select('kid')
    .where('tenant_id', '=', summary.tenantId)
    .where('state', '=', 'active')
    .executeTakeFirst()
  if (!active) {
    const { pair } = await createSigningKey(db, summary.tenantId, deps.masterKey, { now: deps.now })
    summary.createdSigningKey = pair.kid
  }
  const after = {
    counts: summary.counts,
    conflicts: summary.conflictCount,
    complete: summary.complete,
  }
  for (const tenantId of new Set([summary.tenantId, importer.tenantId])) {
    await recordAudit(db, {
      tenantId,
      actor: importer.actor,
      action: 'tenant.import',
      targetType: 'tenant',
      targetId: summary.tenantId,
      after,
      at: deps.now,
    })
  }
}
