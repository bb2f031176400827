import { emitEvent } from '../events/emit-event.js'
import { toViolationView } from './violation.view.js'
import type { Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import {
  bumpRecentViolation,
  insertViolation,
  type ViolationInput,
} from './violation.repository.js'
import type { ViolationRow } from './violation.table.js'

/** Repeats of one violation within this window are counted on one row. */
export const VIOLATION_DEDUP_MS = 3_600_000

/** Result of {@link recordViolation}. */
export interface RecordedViolation {
  violation: ViolationRow
  /** False when an existing row's `occurrences` was bumped instead. */
  created: boolean
}

/**
 * Stores a violation; the same one (license, deployment, kind, source) repeated within an hour
 * bumps the existing row, so a client stuck in a bad state cannot flood the table.
 *
 * @example
 * ```ts
 * const { violation, created } = await recordViolation(db, {
 *   tenantId, licenseId, installId: 'install-1', kind: 'clock_tampering', severity: 'high',
 *   source: 'client', details: { behindS: 172800 }, address: '10.0.0.7', now: new Date(),
 * })
 * ```
 */
export async function recordViolation(
  db: Db,
  input: Omit<ViolationInput, 'id'>,
  dedupMs: number = VIOLATION_DEDUP_MS,
): Promise<RecordedViolation> {
  const v = { ...input, id: newId('vio') }
  const bumped = await bumpRecentViolation(db, v, new Date(input.now.getTime() - dedupMs))
  if (bumped) return { violation: bumped, created: false }
  // The row and its `violation.created` event commit together.
  if (!db.isTransaction) {
    return db.transaction().execute(async (trx) => ({
      violation: await insertWithEvent(trx, v, input.now),
      created: true,
    }))
  }
  return { violation: await insertWithEvent(db, v, input.now), created: true }
}

async function insertWithEvent(db: Db, v: ViolationInput, now: Date): Promise<ViolationRow> {
  const violation = await insertViolation(db, v)
  await emitEvent(db, {
    tenantId: violation.tenant_id,
    type: 'violation.created',
    licenseId: violation.license_id,
    subjectType: 'violation',
    subjectId: violation.id,
    data: { object: toViolationView(violation) },
    at: now,
  })
  return violation
}
