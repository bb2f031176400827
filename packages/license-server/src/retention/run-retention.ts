import { chmod, mkdir, open } from 'node:fs/promises'
import { join } from 'node:path'
import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import type { Database } from '../db/database.js'
import type { Kysely } from 'kysely'
import type { RetentionOptions } from './retention-options.js'

/** Advisory lock of the retention job: one runner across instances. */
const RETENTION_LOCK = 0x72657465 // "rete"
/** Rows per statement (and per export file for audit). */
const BATCH = 5000
/** Statements per table per run: a backlog is worked off over several runs. */
const MAX_BATCHES = 20
const DAY_MS = 86_400_000

/** What one run removed. */
export interface RetentionResult {
  skipped: boolean
  audit: number
  exports: string[]
  usageBatches: number
  addresses: number
  nonces: number
  requestCounts: number
}

/**
 * Prunes the growing tables: audit rows past `auditDays` (each batch first written to a JSON
 * lines file in `auditExportDir` and fsynced, then deleted by id: a crash in between exports a
 * batch twice, never loses one), usage batch ids past `usageBatchDays`, address sightings past
 * `addressDays`, per-hour request counts past `requestCountDays`, expired analyze nonces. One
 * runner across instances (advisory lock).
 *
 * @example
 * ```ts
 * const r = await runRetention(db, { ...DEFAULT_RETENTION, auditDays: 365, auditExportDir: '/var/lib/tollgate/audit' }, new Date())
 * ```
 */
export async function runRetention(
  db: Kysely<Database>,
  opts: RetentionOptions,
  now: Date,
): Promise<RetentionResult> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ ok: boolean }>`
      select pg_try_advisory_xact_lock(${RETENTION_LOCK}) as ok
    `.execute(trx)
    const result: RetentionResult = {
      skipped: rows[0]?.ok !== true,
      audit: 0,
      exports: [],
      usageBatches: 0,
      addresses: 0,
      nonces: 0,
      requestCounts: 0,
    }
    if (result.skipped) return result
    const before = (days: number) => new Date(now.getTime() - days * DAY_MS).toISOString()
    if (opts.auditDays > 0 && opts.auditExportDir !== undefined) {
      await pruneAudit(trx, opts.auditExportDir, before(opts.auditDays), result)
    }
    result.usageBatches = await prune(
      trx,
      sql`delete from usage_batches where ctid in (select ctid from usage_batches
            where received_at < ${before(opts.usageBatchDays)}::timestamptz limit ${BATCH})`,
    )
    result.addresses = await prune(
      trx,
      sql`delete from license_addresses where ctid in (select ctid from license_addresses
            where last_seen_at < ${before(opts.addressDays)}::timestamptz limit ${BATCH})`,
    )
    result.requestCounts = await prune(
      trx,
      sql`delete from request_counts where ctid in (select ctid from request_counts
            where hour < ${before(opts.requestCountDays)}::timestamptz limit ${BATCH})`,
    )
    result.nonces = await prune(
      trx,
      sql`delete from analyze_nonces where ctid in (select ctid from analyze_nonces
            where expires_at < ${now.toISOString()}::timestamptz limit ${BATCH})`,
    )
    return result
  })
}

async function prune(db: Db, statement: ReturnType<typeof sql>): Promise<number> {
  let total = 0
  for (let i = 0; i < MAX_BATCHES; i++) {
    const r = await statement.execute(db)
    const n = Number(r.numAffectedRows ?? 0)
    total += n
    if (n < BATCH) break
  }
  return total
}

async function pruneAudit(
  db: Db,
  dir: string,
  cutoff: string,
  result: RetentionResult,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 })
  await chmod(dir, 0o700)
  for (let i = 0; i < MAX_BATCHES; i++) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('at', '<', new Date(cutoff))
      .orderBy('at')
      .orderBy('id')
      .limit(BATCH)
      .execute()
    if (rows.length === 0) return
    const file = join(
      dir,
      `audit-${rows[0]!.at.toISOString().replace(/[:.]/g, '-')}-${rows[0]!.id}.jsonl`,
    )
    const handle = await open(file, 'w', 0o600)
    try {
      await handle.writeFile(rows.map((r) => JSON.stringify(r)).join('\n') + '\n')
      await handle.sync()
    } finally {
      await handle.close()
    }
    result.exports.push(file)
    await db
      .deleteFrom('audit_log')
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute()
    result.audit += rows.length
    if (rows.length < BATCH) return
  }
}
