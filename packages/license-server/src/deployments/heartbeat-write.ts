import { sql } from 'kysely'
import type { Db } from '../db/database.js'

/** What one coalesced heartbeat writes (a `PendingHeartbeat` is one). */
export interface HeartbeatRow {
  id: string
  seenAt: Date
  appVersion: string | null
  address: string | null
  deadAfter: Date
  revive: boolean
}

/**
 * Writes coalesced heartbeats in one multi-row `UPDATE ... FROM unnest(...)`: last seen, app
 * version, address and dead-deployment deadline, never moving `last_seen_at` backwards, and
 * reviving a deployment culled after its heartbeat was answered (see `HeartbeatCoalescer`).
 *
 * @example
 * ```ts
 * await writeHeartbeats(db, [{ id: 'dep_1', licenseId, tenantId, seenAt, appVersion: null,
 *   address: null, deadAfter, revive: true }])
 * ```
 */
export async function writeHeartbeats(db: Db, unsorted: HeartbeatRow[]): Promise<void> {
  // Id order gives every instance the same row-lock order, so two flushes cannot deadlock.
  const rows = unsorted.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const ids = rows.map((r) => r.id)
  const seen = rows.map((r) => r.seenAt.toISOString())
  const versions = rows.map((r) => r.appVersion)
  const addresses = rows.map((r) => r.address)
  const deadlines = rows.map((r) => r.deadAfter.toISOString())
  const revive = rows.map((r) => r.revive)
  // A row culled after this heartbeat was answered (its new deadline is past the cull) is
  // revived; one deactivated by a person, or culled for real, keeps its status.
  const revived = sql`(v.revive and d.status = 'dead' and d.deactivated_reason = 'dead'
                       and v.dead_after > d.deactivated_at)`
  await sql`
    update deployments as d
    set last_seen_at = v.seen,
        app_version = coalesce(v.version, d.app_version),
        last_address = coalesce(v.address, d.last_address),
        status = case when ${revived} then 'active' else d.status end,
        dead_after = case when ${revived} or d.status = 'active'
                          then greatest(d.dead_after, v.dead_after) else d.dead_after end,
        deactivated_at = case when ${revived} then null else d.deactivated_at end,
        deactivated_reason = case when ${revived} then null else d.deactivated_reason end
    from unnest(${ids}::text[], ${seen}::timestamptz[], ${versions}::text[], ${addresses}::text[],
                ${deadlines}::timestamptz[], ${revive}::boolean[])
      as v(id, seen, version, address, dead_after, revive)
    where d.id = v.id and d.last_seen_at < v.seen
  `.execute(db)
}

/**
 * A Postgres error about the data of a statement (not the connection or the server).
 *
 * @example
 * ```ts
 * if (isDataError(err)) quarantine(row)
 * ```
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(22|23|54)[0-9A-Z]{3}$/.test(code)
}
