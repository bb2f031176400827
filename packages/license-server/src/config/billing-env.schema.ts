import { Type } from 'typebox'

const Int = (min: number, def: number, description: string) =>
  Type.Integer({ minimum: min, default: def, description })

/**
 * The billing, e-mail and lifecycle part of the environment schema (issue 7), spread into
 * `EnvSchema`. Secret values get no pattern, so a config error never echoes them.
 *
 * @example
 * ```ts
 * const EnvSchema = Type.Object({ PORT: Type.Integer(), ...BillingEnv })
 * ```
 */
export const BillingEnv = {
  STRIPE_SECRET_KEY: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Stripe API key (sk_...); needed by checkout and portal',
    }),
  ),
  STRIPE_WEBHOOK_SECRET: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Signing secret of the webhook endpoint (whsec_...)',
    }),
  ),
  STRIPE_WEBHOOK_TOLERANCE_S: Int(1, 300, 'Oldest accepted Stripe-Signature timestamp, in seconds'),
  STRIPE_API_HOST: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Stripe API host override (stripe-mock, a local fake)',
    }),
  ),
  STRIPE_API_PORT: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 65535, description: 'Stripe API port override' }),
  ),
  STRIPE_API_PROTOCOL: Type.Optional(
    Type.Union([Type.Literal('http'), Type.Literal('https')], {
      description: 'Stripe API protocol override',
    }),
  ),
  STRIPE_TENANT_ID: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'Tenant the Stripe account bills for; default: the bootstrap tenant',
    }),
  ),
  BILLING_CHECKOUT_SUCCESS_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'Where Checkout sends the buyer after paying',
    }),
  ),
  BILLING_CHECKOUT_CANCEL_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'Where Checkout sends a buyer who cancels' }),
  ),
  BILLING_PORTAL_RETURN_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'Where the Customer Portal links back to' }),
  ),
  BILLING_SWEEP_INTERVAL_S: Int(0, 300, 'Past-due sweep period, in seconds (0: off)'),
  OUTBOX_INTERVAL_S: Int(0, 30, 'Outbox delivery period, in seconds (0: off)'),
  OUTBOX_MAX_ATTEMPTS: Int(1, 8, 'Delivery attempts before a message is given up'),
  SMTP_HOST: Type.Optional(
    Type.String({ minLength: 1, description: 'SMTP relay; unset: messages go to the log sender' }),
  ),
  SMTP_PORT: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 65535,
      description: 'SMTP port (587; 465 with SMTP_SECURE)',
    }),
  ),
  SMTP_SECURE: Type.Boolean({
    default: false,
    description: 'Implicit TLS (port 465); else STARTTLS when offered',
  }),
  SMTP_USER: Type.Optional(Type.String({ minLength: 1, description: 'SMTP user' })),
  SMTP_PASSWORD: Type.Optional(Type.String({ minLength: 1, description: 'SMTP password' })),
  SMTP_FROM: Type.String({
    minLength: 3,
    default: 'licenses@localhost',
    description: 'Sender address of license emails',
  }),
  WEBHOOK_INTERVAL_MS: Int(0, 2000, 'Webhook delivery poll period, in ms (0: off)'),
  WEBHOOK_TIMEOUT_MS: Int(100, 10_000, 'Timeout of one webhook request, in ms'),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Type.Boolean({
    default: false,
    description:
      'Allow webhook URLs on loopback/private/link-local addresses and plain http (testing only)',
  }),
  WEBHOOK_DISABLE_AFTER_FAILURES: Int(
    1,
    20,
    'Consecutive failed attempts before an endpoint can be disabled',
  ),
  WEBHOOK_DISABLE_AFTER_S: Int(
    0,
    259_200,
    'Seconds an endpoint must keep failing before it is disabled',
  ),
  WEBHOOK_SECRET_OVERLAP_S: Int(
    0,
    86_400,
    'After a secret rotation, seconds the old secret still signs (second signature)',
  ),
  WEBHOOK_ALERT_EMAIL: Type.Optional(
    Type.String({
      minLength: 3,
      maxLength: 320,
      description:
        'Tenant owner address told when an endpoint is disabled (endpoint alertEmail wins)',
    }),
  ),
  LIFECYCLE_INTERVAL_S: Int(0, 300, 'Expiry and reminder job period, in seconds (0: off)'),
}
