import { AppError } from '../errors/app-error.js'
import {
  RowError,
  toValues,
  type BatchContext,
  type ImportConflict,
  type PendingRow,
} from './import-row-values.js'
import { sameRow, type SectionSpec } from './transfer-format.js'

/** Outcome counts of one batch. */
export interface BatchCounts {
  inserted: number
  unchanged: number
}

const idColumn = (spec: SectionSpec): string => (spec.table === 'signing_keys' ? 'kid' : 'id')

function dbErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
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
