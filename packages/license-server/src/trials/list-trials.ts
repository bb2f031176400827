import type { Db } from '../db/database.js'
import type { TrialRow } from './trial.table.js'
import { toTrialView, type TrialView } from './trial.view.js'

/** Where a trial stands: `active` (running), `converted` (paid), `expired` (ended unpaid). */
export type TrialStatus = 'active' | 'converted' | 'expired'

/** A trial with its status, as lists show it. */
export interface TrialListItem extends TrialView {
  status: TrialStatus
}

/** Filters and page of {@link listTrials}. */
export interface ListTrialsQuery {
  status?: TrialStatus | undefined
  customerId?: string | undefined
  /** Keyset cursor: the last id of the previous page (newest first). */
  before?: string | undefined
  limit: number
}

function statusOf(row: TrialRow, now: Date): TrialStatus {
  if (row.converted_at !== null) return 'converted'
  return row.ends_at > now ? 'active' : 'expired'
}

/**
 * A tenant's trials, newest first, keyset-paginated on the id (`next` is the cursor for the
 * following page, null at the end). `status` is decided at `now` from the trial row alone, so
 * the API, the CLI and the console page agree: converted wins, then the trial's end.
 *
 * @example
 * ```ts
 * const { items, next } = await listTrials(db, tenantId, { status: 'active', limit: 50 }, now)
 * ```
 */
export async function listTrials(
  db: Db,
  tenantId: string,
  q: ListTrialsQuery,
  now: Date,
): Promise<{ items: TrialListItem[]; next: string | null }> {
  let query = db.selectFrom('trials').selectAll().where('tenant_id', '=', tenantId)
  if (q.customerId) query = query.where('customer_id', '=', q.customerId)
  if (q.before) query = query.where('id', '<', q.before)
  if (q.status === 'converted') query = query.where('converted_at', 'is not', null)
  if (q.status === 'active') {
    query = query.where('converted_at', 'is', null).where('ends_at', '>', now)
  }
  if (q.status === 'expired') {
    query = query.where('converted_at', 'is', null).where('ends_at', '<=', now)
  }
  const rows = await query
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute()
  const page = rows.slice(0, q.limit)
  return {
    items: page.map((row) => ({ ...toTrialView(row), status: statusOf(row, now) })),
    next: rows.length > q.limit ? page[page.length - 1]!.id : null,
  }
}
