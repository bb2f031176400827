import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { destinationProblem } from './post-webhook.js'
import {
  deleteEndpoint,
  findEndpoint,
  insertEndpoint,
  updateEndpoint,
  type EndpointPatch,
} from './webhook-endpoint.repository.js'
import { newWebhookSecret, sealWebhookSecret } from './webhook-secret.js'
import type { WebhookEndpointRow } from './webhook.table.js'
import { toWebhookEndpointView } from './webhook.view.js'

/** What endpoint management needs (`app.tollgate` plus the webhook settings). */
export interface EndpointDeps {
  masterKey: Buffer
  now: () => Date
  allowPrivateNetworks: boolean
  secretOverlapMs: number
}

/** Fields of a new endpoint. */
export interface NewEndpoint {
  url: string
  eventTypes: string[]
  description?: string | null
  alertEmail?: string | null
}

function checkUrl(url: string, deps: EndpointDeps): void {
  let target: URL
  try {
    target = new URL(url)
  } catch {
    throw new AppError('WEBHOOK_URL_NOT_ALLOWED', 'The webhook URL is not a valid URL')
  }
  const problem = destinationProblem(target, deps.allowPrivateNetworks)
  if (problem) throw new AppError('WEBHOOK_URL_NOT_ALLOWED', `Webhook URL refused: ${problem}`)
}

async function audit(
  trx: Db,
  actor: AuditActor,
  action: string,
  before: WebhookEndpointRow | null,
  after: WebhookEndpointRow | null,
  at: Date,
): Promise<void> {
  const row = (after ?? before)!
  await recordAudit(trx, {
    tenantId: row.tenant_id,
    actor,
    action,
    targetType: 'webhook_endpoint',
    targetId: row.id,
    before: before ? toWebhookEndpointView(before) : null,
    after: after ? toWebhookEndpointView(after) : null,
    at,
  })
}

/**
 * Registers an endpoint and returns it with its signing secret: the only time the secret is
 * shown. Audited (`webhook_endpoint.create`, without the secret).
 *
 * @example
 * ```ts
 * const { endpoint, secret } = await db.transaction().execute((trx) =>
 *   createEndpoint(trx, tenantId, { url: 'https://crm.example.com/hooks', eventTypes: ['license.*'] }, actor, deps))
 * ```
 */
export async function createEndpoint(
  trx: Db,
  tenantId: string,
  input: NewEndpoint,
  actor: AuditActor,
  deps: EndpointDeps,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  checkUrl(input.url, deps)
  const now = deps.now()
  const id = newId('whe')
  const secret = newWebhookSecret()
  const endpoint: WebhookEndpointRow = {
    id,
    tenant_id: tenantId,
    url: input.url,
    description: input.description ?? null,
    event_types: [...new Set(input.eventTypes)],
    status: 'enabled',
    disabled_reason: null,
    secret_sealed: sealWebhookSecret(deps.masterKey, id, secret),
    previous_secret_sealed: null,
    previous_secret_expires_at: null,
    alert_email: input.alertEmail ?? null,
    consecutive_failures: 0,
    failing_since: null,
    created_at: now,
    updated_at: now,
  }
  await insertEndpoint(trx, endpoint)
  await audit(trx, actor, 'webhook_endpoint.create', null, endpoint, now)
  return { endpoint, secret }
}

/**
 * Changes an endpoint (URL, filters, description, alert address, enabled/disabled). Enabling
 * clears the failure streak. Audited.
 *
 * @example
 * ```ts
 * await changeEndpoint(trx, tenantId, id, { status: 'enabled' }, actor, deps)
 * ```
 */
export async function changeEndpoint(
  trx: Db,
  tenantId: string,
  id: string,
  patch: Pick<EndpointPatch, 'url' | 'eventTypes' | 'description' | 'alertEmail' | 'status'>,
  actor: AuditActor,
  deps: EndpointDeps,
): Promise<WebhookEndpointRow> {
  if (patch.url !== undefined) checkUrl(patch.url, deps)
  const now = deps.now()
  const before = await findEndpoint(trx, tenantId, id, { forUpdate: true })
  if (!before) throw new AppError('NOT_FOUND', `No webhook endpoint ${id}`)
  const after = (await updateEndpoint(
    trx,
    tenantId,
    id,
    {
      ...patch,
      ...(patch.eventTypes ? { eventTypes: [...new Set(patch.eventTypes)] } : {}),
      ...(patch.status === 'disabled' ? { disabledReason: 'disabled by staff' } : {}),
    },
    now,
  ))!
  await audit(trx, actor, 'webhook_endpoint.update', before, after, now)
  return after
}

/**
 * Rotates the signing secret: returns the new one (shown once); the old one keeps signing as a
 * second `v1` signature for `overlapMs` (default the server's WEBHOOK_SECRET_OVERLAP_S), so
 * receivers can switch without dropping a delivery. Audited.
 *
 * @example
 * ```ts
 * const { secret } = await rotateEndpointSecret(trx, tenantId, id, {}, actor, deps)
 * ```
 */
export async function rotateEndpointSecret(
  trx: Db,
  tenantId: string,
  id: string,
  opts: { overlapMs?: number | undefined },
  actor: AuditActor,
  deps: EndpointDeps,
): Promise<{ endpoint: WebhookEndpointRow; secret: string }> {
  const now = deps.now()
  const before = await findEndpoint(trx, tenantId, id, { forUpdate: true })
  if (!before) throw new AppError('NOT_FOUND', `No webhook endpoint ${id}`)
  const overlapMs = opts.overlapMs ?? deps.secretOverlapMs
  const secret = newWebhookSecret()
  const after = (await updateEndpoint(
    trx,
    tenantId,
    id,
    {
      secretSealed: sealWebhookSecret(deps.masterKey, id, secret),
      previousSecretSealed: overlapMs > 0 ? before.secret_sealed : null,
      previousSecretExpiresAt: overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null,
    },
    now,
  ))!
  await audit(trx, actor, 'webhook_endpoint.rotate_secret', before, after, now)
  return { endpoint: after, secret }
}

/**
 * Deletes an endpoint with its deliveries and log. Audited.
 *
 * @example
 * ```ts
 * await removeEndpoint(trx, tenantId, id, actor, deps)
 * ```
 */
export async function removeEndpoint(
  trx: Db,
  tenantId: string,
  id: string,
  actor: AuditActor,
  deps: Pick<EndpointDeps, 'now'>,
): Promise<void> {
  const before = await findEndpoint(trx, tenantId, id, { forUpdate: true })
  if (!before) throw new AppError('NOT_FOUND', `No webhook endpoint ${id}`)
  await deleteEndpoint(trx, tenantId, id)
  await audit(trx, actor, 'webhook_endpoint.delete', before, null, deps.now())
}
