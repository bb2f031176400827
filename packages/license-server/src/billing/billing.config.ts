import type { Env } from '../config/config.schema.js'

/**
 * SMTP settings from the environment (a subset of the outbox's `SmtpOptions`). Defined here so
 * this reader imports only `config/` and `load-config.ts` can wire it in without an import cycle.
 */
export interface SmtpConfig {
  host: string
  port?: number
  secure: boolean
  user: string | undefined
  password: string | undefined
  from: string
}

/** Billing and delivery settings (docs/billing.md). */
export interface BillingConfig {
  /** Stripe API key; checkout and portal answer 503 BILLING_NOT_CONFIGURED without it. */
  stripeSecretKey: string | undefined
  /** Webhook signing secret; the webhook answers 503 BILLING_NOT_CONFIGURED without it. */
  stripeWebhookSecret: string | undefined
  webhookToleranceS: number
  /** Overrides of the Stripe API address (stripe-mock, tests). */
  stripeApi: { host?: string; port?: number; protocol?: 'http' | 'https' }
  /** Tenant the Stripe account bills for; undefined: the bootstrap tenant. */
  tenantId: string | undefined
  checkoutSuccessUrl: string | undefined
  checkoutCancelUrl: string | undefined
  portalReturnUrl: string | undefined
  /** Past-due sweep period in seconds; 0: off. */
  sweepIntervalS: number
  /** Outbox delivery period in seconds; 0: off. */
  outboxIntervalS: number
  outboxMaxAttempts: number
  /** Undefined: the log sender. */
  smtp: SmtpConfig | undefined
}

/**
 * Reads the billing settings from the validated environment.
 *
 * @example
 * ```ts
 * const billing = readBillingConfig(env)
 * ```
 */
export function readBillingConfig(e: Env): BillingConfig {
  return {
    stripeSecretKey: e.STRIPE_SECRET_KEY,
    stripeWebhookSecret: e.STRIPE_WEBHOOK_SECRET,
    webhookToleranceS: e.STRIPE_WEBHOOK_TOLERANCE_S,
    stripeApi: {
      ...(e.STRIPE_API_HOST ? { host: e.STRIPE_API_HOST } : {}),
      ...(e.STRIPE_API_PORT ? { port: e.STRIPE_API_PORT } : {}),
      ...(e.STRIPE_API_PROTOCOL ? { protocol: e.STRIPE_API_PROTOCOL } : {}),
    },
    tenantId: e.STRIPE_TENANT_ID,
    checkoutSuccessUrl: e.BILLING_CHECKOUT_SUCCESS_URL,
    checkoutCancelUrl: e.BILLING_CHECKOUT_CANCEL_URL,
    portalReturnUrl: e.BILLING_PORTAL_RETURN_URL,
    sweepIntervalS: e.BILLING_SWEEP_INTERVAL_S,
    outboxIntervalS: e.OUTBOX_INTERVAL_S,
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    smtp: e.SMTP_HOST
      ? {
          host: e.SMTP_HOST,
          ...(e.SMTP_PORT ? { port: e.SMTP_PORT } : {}),
          secure: e.SMTP_SECURE,
          user: e.SMTP_USER,
          password: e.SMTP_PASSWORD,
          from: e.SMTP_FROM,
        }
      : undefined,
  }
}
