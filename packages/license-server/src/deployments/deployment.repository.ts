import { sql } from 'kysely'
import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type {
  DeactivationReason,
  DeploymentFingerprint,
  DeploymentRow,
  DeploymentStatus,
} from './deployment.table.js'

/** One deployment of the tenant by server id (another tenant's: undefined). */
export function findDeploymentById(
  db: Db,
  tenantId: string,
  id: string,
): Promise<DeploymentRow | undefined> {
  return db
    .selectFrom('deployments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
}

/** The deployment of a license with the client's install id. */
export function findDeployment(
  db: Db,
  licenseId: string,
  installId: string,
): Promise<DeploymentRow | undefined> {
  return db
    .selectFrom('deployments')
    .selectAll()
    .where('license_id', '=', licenseId)
    .where('install_id', '=', installId)
    .executeTakeFirst()
}

/** Seats taken: active deployments of a license, other than `exceptId`. */
export async function countActiveDeployments(
  db: Db,
  licenseId: string,
  exceptId?: string,
): Promise<number> {
  let q = db
    .selectFrom('deployments')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('license_id', '=', licenseId)
    .where('status', '=', 'active')
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId)
  const row = await q.executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Fields written when a deployment (re)activates or is refused. */
export interface DeploymentSighting {
  status: DeploymentStatus
  fingerprint: DeploymentFingerprint
  appVersion: string | null
  address: string | null
  now: Date
  /** The new `dead_after` (see `dead-deadline.ts`); only an active row has one. */
  deadAfter: Date
}

/** Inserts a new deployment row. */
export async function insertDeployment(
  db: Db,
  row: { id: string; tenantId: string; licenseId: string; installId: string },
  s: DeploymentSighting,
): Promise<DeploymentRow> {
  return db
    .insertInto('deployments')
    .values({
      id: row.id,
      tenant_id: row.tenantId,
      license_id: row.licenseId,
      install_id: row.installId,
      status: s.status,
      fingerprint: toJson(s.fingerprint),
      app_version: s.appVersion,
      last_address: s.address,
      activated_at: s.now,
      last_seen_at: s.now,
      dead_after: s.status === 'active' ? s.deadAfter : null,
      deactivated_at: null,
      deactivated_reason: null,
      created_at: s.now,
      updated_at: s.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Updates an existing row on (re)activation. `activated_at` moves only when the row starts
 * holding a seat; `last_seen_at` never moves backwards.
 */
export async function updateDeploymentSighting(
  db: Db,
  id: string,
  s: DeploymentSighting & { seated: boolean },
): Promise<DeploymentRow> {
  return db
    .updateTable('deployments')
    .set({
      status: s.status,
      fingerprint: toJson(s.fingerprint),
      ...(s.appVersion === null ? {} : { app_version: s.appVersion }),
      ...(s.address === null ? {} : { last_address: s.address }),
      ...(s.seated ? { activated_at: s.now, deactivated_at: null, deactivated_reason: null } : {}),
      last_seen_at: sql<Date>`greatest(last_seen_at, ${s.now.toISOString()}::timestamptz)`,
      dead_after:
        s.status === 'active'
          ? sql<Date>`greatest(dead_after, ${s.deadAfter.toISOString()}::timestamptz)`
          : null,
      updated_at: s.now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** Frees the seat of an active deployment; returns the row (unchanged when not active). */
export async function deactivateDeployment(
  db: Db,
  id: string,
  reason: DeactivationReason,
  now: Date,
): Promise<DeploymentRow | undefined> {
  const row = await db
    .updateTable('deployments')
    .set({
      status: 'inactive',
      dead_after: null,
      deactivated_at: now,
      deactivated_reason: reason,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .returningAll()
    .executeTakeFirst()
  return row ?? db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Deployments of one license, newest first. */
export function listDeployments(
  db: Db,
  tenantId: string,
  licenseId: string,
  page: { limit: number; after?: string | undefined; status?: DeploymentStatus | undefined },
): Promise<DeploymentRow[]> {
  let q = db
    .selectFrom('deployments')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('license_id', '=', licenseId)
  if (page.status) q = q.where('status', '=', page.status)
  if (page.after) q = q.where('id', '<', page.after)
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

/** A deployment the culler marked dead. */
export type CulledRow = Pick<DeploymentRow, 'id' | 'tenant_id' | 'license_id' | 'install_id'>

/**
 * Marks dead up to `limit` active deployments whose `dead_after` passed and that have not been
 * seen for `missedHeartbeats` heartbeat intervals of their license's current policy (at least
 * `minWindowS`), freeing their seats. Candidates come from the partial index on `dead_after`,
 * so a run costs what is due, not the size of the fleet; the policy check guards rows whose
 * deadline was written under a shorter window. Rows locked by an activation in progress are
 * skipped (the next run sees them). Returns the culled rows.
 */
export async function markDeadDeployments(
  db: Db,
  opts: {
    now: Date
    missedHeartbeats: number
    minWindowS: number
    exceptIds: readonly string[]
    limit: number
  },
): Promise<CulledRow[]> {
  const now = opts.now.toISOString()
  const { rows } = await sql<CulledRow>`
    with due as (
      select d.id from deployments as d
      join licenses as l on l.id = d.license_id
      where d.status = 'active'
        and d.dead_after < ${now}::timestamptz
        and d.last_seen_at < ${now}::timestamptz - make_interval(secs => greatest(
              coalesce((l.policy->>'heartbeatIntervalS')::float8, 3600) * ${opts.missedHeartbeats},
              ${opts.minWindowS}::float8))
        and not (d.id = any(${[...opts.exceptIds]}::text[]))
      order by d.dead_after
      limit ${opts.limit}
      for update of d skip locked
    )
    update deployments as d
    set status = 'dead', dead_after = null, deactivated_at = ${now}::timestamptz,
        deactivated_reason = 'dead', updated_at = ${now}::timestamptz
    from due
    where d.id = due.id
    returning d.id, d.tenant_id, d.license_id, d.install_id
  `.execute(db)
  return rows
}

/** Records source addresses per license (upsert; `last_seen_at` never moves backwards). */
export async function upsertLicenseAddresses(
  db: Db,
  input: readonly { licenseId: string; tenantId: string; address: string; seenAt: Date }[],
): Promise<void> {
  // One statement may not update a row twice: keep the latest sighting per pair, in key order
  // (a fixed lock order, so concurrent upserts from two instances cannot deadlock).
  const latest = new Map<string, (typeof input)[number]>()
  for (const r of input) {
    const key = `${r.licenseId}\u0000${r.address}`
    const prev = latest.get(key)
    if (!prev || prev.seenAt < r.seenAt) latest.set(key, r)
  }
  const rows = [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, r]) => r)
  if (rows.length === 0) return
  await sql`
    insert into license_addresses (license_id, address, tenant_id, first_seen_at, last_seen_at)
    select v.license_id, v.address, v.tenant_id, v.seen, v.seen
    from unnest(${rows.map((r) => r.licenseId)}::text[], ${rows.map((r) => r.address)}::text[],
                ${rows.map((r) => r.tenantId)}::text[],
                ${rows.map((r) => r.seenAt.toISOString())}::timestamptz[])
      as v(license_id, address, tenant_id, seen)
    on conflict (license_id, address) do update
      set last_seen_at = greatest(license_addresses.last_seen_at, excluded.last_seen_at)
  `.execute(db)
}
