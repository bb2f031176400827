import type { Env } from '../config/config.schema.js'

/** Vendor webhook and lifecycle-job settings (docs/webhooks.md). */
export interface WebhooksConfig {
  /** Delivery poll period in ms; 0: off. */
  intervalMs: number
  timeoutMs: number
  /** Testing only: loopback/private destinations and plain http are allowed. */
  allowPrivateNetworks: boolean
  /** An endpoint is disabled after this many consecutive failures... */
  disableAfterFailures: number
  /** ...spanning at least this long (ms). */
  disableAfterMs: number
  /** How long the previous secret still signs after a rotation (ms). */
  secretOverlapMs: number
  alertEmail: string | undefined
  /** Expiry + reminder job period in ms; 0: off. */
  lifecycleIntervalMs: number
}

/**
 * Reads the webhook settings from the validated environment.
 *
 * @example
 * ```ts
 * const webhooks = readWebhooksConfig(env)
 * ```
 */
export function readWebhooksConfig(e: Env): WebhooksConfig {
  return {
    intervalMs: e.WEBHOOK_INTERVAL_MS,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    allowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    disableAfterFailures: e.WEBHOOK_DISABLE_AFTER_FAILURES,
    disableAfterMs: e.WEBHOOK_DISABLE_AFTER_S * 1000,
    secretOverlapMs: e.WEBHOOK_SECRET_OVERLAP_S * 1000,
    alertEmail: e.WEBHOOK_ALERT_EMAIL,
    lifecycleIntervalMs: e.LIFECYCLE_INTERVAL_S * 1000,
  }
}
