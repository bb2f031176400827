import type { Db } from '../db/database.js'
import { toJson } from '../lib/json.js'
import type { WebhookEndpointRow, WebhookEndpointStatus } from './webhook.table.js'

/** Writable endpoint fields. */
export interface EndpointPatch {
  url?: string
  description?: string | null
  eventTypes?: string[]
  alertEmail?: string | null
  status?: WebhookEndpointStatus
  disabledReason?: string | null
  secretSealed?: string
  previousSecretSealed?: string | null
  previousSecretExpiresAt?: Date | null
}

/** Inserts an endpoint row. */
export async function insertEndpoint(db: Db, row: WebhookEndpointRow): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values({ ...row, event_types: toJson(row.event_types) })
    .execute()
}

/** One endpoint of the tenant (another tenant's is undefined). */
export function findEndpoint(
  db: Db,
  tenantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<WebhookEndpointRow | undefined> {
  let q = db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
  if (opts.forUpdate) q = q.forUpdate()
  return q.executeTakeFirst()
}

/** The tenant's endpoints, newest first (`limit + 1` rows for pagination). */
export function listEndpoints(
  db: Db,
  tenantId: string,
  page: { limit: number; after?: string | undefined },
): Promise<WebhookEndpointRow[]> {
  let q = db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId)
  if (page.after) q = q.where('id', '<', page.after)
  return q
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute()
}

/**
 * Updates an endpoint. Enabling it again clears its failure streak.
 *
 * @example
 * ```ts
 * await updateEndpoint(trx, tenantId, id, { status: 'enabled' }, now)
 * ```
 */
export function updateEndpoint(
  db: Db,
  tenantId: string,
  id: string,
  p: EndpointPatch,
  now: Date,
): Promise<WebhookEndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set({
      ...(p.url === undefined ? {} : { url: p.url }),
      ...(p.description === undefined ? {} : { description: p.description }),
      ...(p.eventTypes === undefined ? {} : { event_types: toJson(p.eventTypes) }),
      ...(p.alertEmail === undefined ? {} : { alert_email: p.alertEmail }),
      ...(p.status === undefined ? {} : { status: p.status }),
      ...(p.status === 'enabled'
        ? { disabled_reason: null, consecutive_failures: 0, failing_since: null }
        : {}),
      ...(p.disabledReason === undefined ? {} : { disabled_reason: p.disabledReason }),
      ...(p.secretSealed === undefined ? {} : { secret_sealed: p.secretSealed }),
      ...(p.previousSecretSealed === undefined
        ? {}
        : { previous_secret_sealed: p.previousSecretSealed }),
      ...(p.previousSecretExpiresAt === undefined
        ? {}
        : { previous_secret_expires_at: p.previousSecretExpiresAt }),
      updated_at: now,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}

/** Deletes an endpoint with its deliveries and their log. */
export async function deleteEndpoint(db: Db, tenantId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('webhook_endpoints')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst()
  return r.numDeletedRows > 0n
}

/**
 * Records the outcome of an attempt on the endpoint's failure streak and returns the row:
 * success resets it; failure counts it and remembers when the streak started.
 */
export function trackEndpointHealth(
  db: Db,
  id: string,
  ok: boolean,
  now: Date,
): Promise<WebhookEndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoints')
    .set((eb) =>
      ok
        ? { consecutive_failures: 0, failing_since: null }
        : {
            consecutive_failures: eb('consecutive_failures', '+', 1),
            failing_since: eb.fn.coalesce('failing_since', eb.val(now)),
          },
    )
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
}
