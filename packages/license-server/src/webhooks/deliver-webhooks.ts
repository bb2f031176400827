import type { FastifyBaseLogger } from 'fastify'
import { SYSTEM_ACTOR } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { enqueueMessage } from '../outbox/outbox.repository.js'
import { signWebhook } from './sign-webhook.js'
import { postWebhook, type PostResult } from './post-webhook.js'
import {
  claimDueDeliveries,
  recordAttempt,
  type AttemptDecision,
} from './webhook-delivery.repository.js'
import { trackEndpointHealth, updateEndpoint } from './webhook-endpoint.repository.js'
import { webhookBody } from './webhook-payload.js'
import { signingSecrets } from './webhook-secret.js'
import type { WebhookDeliveryRow, WebhookEndpointRow } from './webhook.table.js'
import { toWebhookEndpointView } from './webhook.view.js'
import type { WebhooksConfig } from './webhooks.config.js'

/** What the delivery worker needs. */
export interface WebhookWorkerDeps {
  db: Db
  masterKey: Buffer
  now: () => Date
  config: WebhooksConfig
  userAgent: string
  log?: FastifyBaseLogger
}

/** Counts of one {@link deliverWebhooks} pass. */
export interface WebhookPassReport {
  delivered: number
  retried: number
  failed: number
  /** Endpoints disabled by this pass. */
  disabled: number
}

/** First retry delay, doubled each attempt, capped at {@link MAX_DELAY_MS}. */
export const BASE_DELAY_MS = 30_000
/** Largest delay between two attempts. */
export const MAX_DELAY_MS = 6 * 3_600_000
/** How long a claimed delivery is reserved for one attempt (well above the request timeout). */
const leaseMs = (cfg: WebhooksConfig) => Math.max(60_000, cfg.timeoutMs * 3)

/**
 * Delay after failed attempt number `attempt` (1-based): 30 s, 1 min, 2 min... capped at 6 h.
 *
 * @example
 * ```ts
 * webhookBackoffMs(3) // 120_000
 * ```
 */
export function webhookBackoffMs(attempt: number): number {
  return Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt - 1))
}

/**
 * One delivery pass: claims due deliveries (safe with N instances, ordered per license), POSTs
 * each signed event outside any transaction, then logs the attempt and moves the delivery on:
 * delivered on a 2xx, else retried with exponential backoff until its retry window (3 days)
 * ends. An endpoint failing `disableAfterFailures` times in a row for `disableAfterMs` is
 * disabled, audited, and its owner is emailed through the outbox. Time comes from `now`, so
 * tests drive retries without waiting.
 *
 * @example
 * ```ts
 * const report = await deliverWebhooks({ db, masterKey, now, config: cfg.webhooks, userAgent: 'Tollgate-Webhooks/1' })
 * ```
 */
export async function deliverWebhooks(
  deps: WebhookWorkerDeps,
  opts: { batch?: number } = {},
): Promise<WebhookPassReport> {
  const report: WebhookPassReport = { delivered: 0, retried: 0, failed: 0, disabled: 0 }
  const claimed = await claimDueDeliveries(deps.db, {
    now: deps.now(),
    limit: opts.batch ?? 20,
    leaseMs: leaseMs(deps.config),
  })
  if (claimed.length === 0) return report
  const [endpoints, events] = await Promise.all([
    deps.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', 'in', [...new Set(claimed.map((d) => d.endpoint_id))])
      .execute(),
    deps.db
      .selectFrom('events')
      .selectAll()
      .where('id', 'in', [...new Set(claimed.map((d) => d.event_id))])
      .execute(),
  ])
  const endpointById = new Map(endpoints.map((e) => [e.id, e]))
  const eventById = new Map(events.map((e) => [e.id, e]))
  // Claimed deliveries are heads of distinct (endpoint, license) queues: send them together.
  await Promise.all(
    claimed.map(async (d) => {
      const endpoint = endpointById.get(d.endpoint_id)
      const event = eventById.get(d.event_id)
      if (!endpoint || !event) return
      const body = webhookBody(event)
      const result = await send(deps, endpoint, d, body, event.type)
      const outcome = await settle(deps, endpoint, d, result)
      report[outcome.result] += 1
      if (outcome.disabled) report.disabled += 1
    }),
  )
  return report
}

async function send(
  deps: WebhookWorkerDeps,
  endpoint: WebhookEndpointRow,
  d: WebhookDeliveryRow,
  body: string,
  type: string,
): Promise<PostResult> {
  const now = deps.now()
  let secrets: string[]
  try {
    secrets = signingSecrets(endpoint, deps.masterKey, now)
  } catch {
    return { statusCode: null, latencyMs: 0, snippet: null, error: 'secret unreadable' }
  }
  const timestamp = Math.floor(now.getTime() / 1000)
  return postWebhook(
    endpoint.url,
    body,
    {
      'user-agent': deps.userAgent,
      'tollgate-signature': signWebhook(body, secrets, timestamp),
      'tollgate-event-id': d.event_id,
      'tollgate-event-type': type,
      'tollgate-delivery-id': d.id,
      'tollgate-delivery-attempt': String(d.attempts),
    },
    { timeoutMs: deps.config.timeoutMs, allowPrivate: deps.config.allowPrivateNetworks },
  )
}

function decide(d: WebhookDeliveryRow, result: PostResult, at: Date): AttemptDecision {
  const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300
  if (ok) return { status: 'delivered' }
  const retryAt = new Date(at.getTime() + webhookBackoffMs(d.attempts))
  return retryAt > d.retry_until ? { status: 'failed' } : { status: 'pending', retryAt }
}

async function settle(
  deps: WebhookWorkerDeps,
  endpoint: WebhookEndpointRow,
  d: WebhookDeliveryRow,
  result: PostResult,
): Promise<{ result: 'delivered' | 'retried' | 'failed'; disabled: boolean }> {
  const at = deps.now()
  const decision = decide(d, result, at)
  const disabled = await deps.db.transaction().execute(async (trx) => {
    await recordAttempt(trx, d, result, decision, at)
    const health = await trackEndpointHealth(trx, endpoint.id, decision.status === 'delivered', at)
    if (!health || !shouldDisable(health, deps.config, at)) return false
    await disableEndpoint(trx, deps, health, at)
    return true
  })
  const kind =
    decision.status === 'delivered'
      ? 'delivered'
      : decision.status === 'failed'
        ? 'failed'
        : 'retried'
  return { result: kind, disabled }
}

function shouldDisable(e: WebhookEndpointRow, cfg: WebhooksConfig, at: Date): boolean {
  return (
    e.status === 'enabled' &&
    e.consecutive_failures >= cfg.disableAfterFailures &&
    e.failing_since !== null &&
    at.getTime() - e.failing_since.getTime() >= cfg.disableAfterMs
  )
}

async function disableEndpoint(
  trx: Db,
  deps: WebhookWorkerDeps,
  e: WebhookEndpointRow,
  at: Date,
): Promise<void> {
  const since = e.failing_since!.toISOString()
  const reason = `${e.consecutive_failures} consecutive failed deliveries since ${since}`
  const after = await updateEndpoint(
    trx,
    e.tenant_id,
    e.id,
    { status: 'disabled', disabledReason: reason },
    at,
  )
  await recordAudit(trx, {
    tenantId: e.tenant_id,
    actor: SYSTEM_ACTOR,
    action: 'webhook_endpoint.disable',
    targetType: 'webhook_endpoint',
    targetId: e.id,
    before: toWebhookEndpointView(e),
    after: after ? toWebhookEndpointView(after) : null,
    at,
  })
  const recipient = e.alert_email ?? deps.config.alertEmail
  if (!recipient) {
    deps.log?.warn({ endpoint: e.id }, 'webhook endpoint disabled; no alert email configured')
    return
  }
  await enqueueMessage(trx, {
    tenantId: e.tenant_id,
    kind: 'webhook.endpoint_disabled',
    dedupeKey: `webhook-disabled:${e.id}:${since}`,
    recipient,
    subject: `Tollgate webhook endpoint disabled: ${e.url}`,
    body: [
      'Hello,',
      '',
      `Tollgate stopped sending events to your webhook endpoint ${e.id}:`,
      '',
      `  ${e.url}`,
      '',
      `Reason: ${reason}.`,
      '',
      'Events keep being recorded. Fix the receiver, then enable the endpoint again',
      `(tollgate webhook enable ${e.id}) and resend what it missed`,
      '(tollgate webhook deliveries --endpoint <id> --status failed, then tollgate webhook resend <delivery>).',
    ].join('\n'),
    now: at,
  })
}
