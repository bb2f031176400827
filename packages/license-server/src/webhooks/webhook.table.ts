import type { ColumnType, Selectable } from 'kysely'

/** `enabled`, or `disabled` (by staff, or automatically after repeated failures). */
export type WebhookEndpointStatus = 'enabled' | 'disabled'

/** A vendor's receiver of events. */
export interface WebhookEndpointTable {
  id: string
  tenant_id: string
  url: string
  description: string | null
  /** jsonb array of event types; `["*"]` is every type. */
  event_types: ColumnType<string[], string, string>
  status: WebhookEndpointStatus
  disabled_reason: string | null
  /** The signing secret, sealed under the master key (it must be readable to sign). */
  secret_sealed: string
  /** The secret before the last rotation, still used (second signature) until it expires. */
  previous_secret_sealed: string | null
  previous_secret_expires_at: Date | null
  /** Who hears about an automatic disable. */
  alert_email: string | null
  consecutive_failures: ColumnType<number, number | undefined, number>
  /** First failed attempt of the current failure streak; null while healthy. */
  failing_since: Date | null
  created_at: ColumnType<Date, Date, never>
  updated_at: Date
}

/** `pending` (due at `next_attempt_at`), `delivered`, or `failed` (given up). */
export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed'

/** One event for one endpoint. */
export interface WebhookDeliveryTable {
  id: string
  tenant_id: string
  endpoint_id: string
  event_id: string
  event_seq: ColumnType<string, string, never>
  order_key: string
  status: WebhookDeliveryStatus
  attempts: ColumnType<number, number | undefined, number>
  next_attempt_at: Date
  retry_until: Date
  last_attempt_at: Date | null
  last_status_code: number | null
  last_latency_ms: number | null
  last_error: string | null
  created_at: ColumnType<Date, Date, never>
  delivered_at: Date | null
  updated_at: Date
}

/** One HTTP attempt of a delivery: the delivery log. */
export interface WebhookAttemptTable {
  id: string
  delivery_id: string
  attempt: number
  at: Date
  status_code: number | null
  latency_ms: number
  error: string | null
  response_snippet: string | null
}

/** Tables of the webhooks feature (issue 19). */
export interface WebhookTables {
  webhook_endpoints: WebhookEndpointTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
}

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>
export type WebhookAttemptRow = Selectable<WebhookAttemptTable>
