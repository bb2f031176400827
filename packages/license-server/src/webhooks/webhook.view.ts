import { iso } from '../lib/json.js'
import type {
  WebhookAttemptRow,
  WebhookDeliveryRow,
  WebhookDeliveryStatus,
  WebhookEndpointRow,
  WebhookEndpointStatus,
} from './webhook.table.js'

/** An endpoint as the admin API shows it (never its secret). */
export interface WebhookEndpointView {
  id: string
  url: string
  description: string | null
  eventTypes: string[]
  status: WebhookEndpointStatus
  disabledReason: string | null
  alertEmail: string | null
  consecutiveFailures: number
  failingSince: string | null
  /** While set and in the future, the previous secret still signs (second `v1`). */
  previousSecretExpiresAt: string | null
  createdAt: string
  updatedAt: string
}

/** Row to API object. */
export function toWebhookEndpointView(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    status: row.status,
    disabledReason: row.disabled_reason,
    alertEmail: row.alert_email,
    consecutiveFailures: row.consecutive_failures,
    failingSince: iso(row.failing_since),
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  }
}

/** One attempt of the delivery log. */
export interface WebhookAttemptView {
  attempt: number
  at: string
  statusCode: number | null
  latencyMs: number
  error: string | null
  responseSnippet: string | null
}

/** A delivery (one event for one endpoint). */
export interface WebhookDeliveryView {
  id: string
  endpointId: string
  eventId: string
  status: WebhookDeliveryStatus
  attempts: number
  nextAttemptAt: string | null
  retryUntil: string
  lastAttemptAt: string | null
  lastStatusCode: number | null
  lastLatencyMs: number | null
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
  /** Only on GET /webhooks/deliveries/:id. */
  log?: WebhookAttemptView[]
}

/** Row to API object, with the attempt log when given. */
export function toWebhookDeliveryView(
  row: WebhookDeliveryRow,
  attempts?: WebhookAttemptRow[],
): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    retryUntil: iso(row.retry_until)!,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatusCode: row.last_status_code,
    lastLatencyMs: row.last_latency_ms,
    lastError: row.last_error,
    createdAt: iso(row.created_at)!,
    deliveredAt: iso(row.delivered_at),
    ...(attempts
      ? {
          log: attempts.map((a) => ({
            attempt: a.attempt,
            at: iso(a.at)!,
            statusCode: a.status_code,
            latencyMs: a.latency_ms,
            error: a.error,
            responseSnippet: a.response_snippet,
          })),
        }
      : {}),
  }
}
