import type { FastifyInstance } from 'fastify'
import { analyzeRoutes } from './analyze/analyze.routes.js'
import { ApiKeySchema, apiKeyRoutes } from './api-keys/api-key.routes.js'
import { AuditEntrySchema, auditRoutes } from './audit/audit.routes.js'
import { authenticateAdmin } from './auth/admin-auth.js'
import { billingAdminRoutes } from './billing/billing-admin.routes.js'
import { billingPublicRoutes } from './billing/billing-public.routes.js'
import { BillingEventSchema } from './billing/billing.schemas.js'
import { stripeWebhookRoutes } from './billing/webhook.routes.js'
import { customerRoutes } from './customers/customer.routes.js'
import { CustomerSchema } from './customers/customer.schemas.js'
import type { Fleet } from './deployments/fleet.js'
import { fleetAdminRoutes, fleetPublicRoutes } from './deployments/setup-fleet.js'
import { ErrorSchema } from './lib/schemas.js'
import { idempotencyOnSend, idempotencyPreHandler } from './idempotency/idempotency.hooks.js'
import { licenseRoutes } from './licenses/license.routes.js'
import { LicenseSchema } from './licenses/license.schemas.js'
import { validateRoutes } from './licenses/validate.routes.js'
import { outboxRoutes } from './outbox/outbox.routes.js'
import { OutboxMessageSchema } from './outbox/outbox.view.js'
import { planRoutes } from './plans/plan.routes.js'
import { portalAdminRoutes } from './portal/portal-admin.routes.js'
import { portalJobsPlugin } from './portal/portal-jobs.plugin.js'
import { portalWeb } from './portal/web/portal.web.js'
import { PlanSchema } from './plans/plan.schemas.js'
import type { RateLimitHooks } from './security/rate-limits.js'
import {
  SigningKeySchema,
  jwksRoutes,
  signingKeyRoutes,
} from './signing-keys/signing-key.routes.js'
import { systemRoutes } from './system/system.routes.js'
import { corsOnSend } from './storefront/cors.js'
import { publicPlanRoutes } from './storefront/public-plan.routes.js'
import {
  EventSchema,
  WebhookDeliverySchema,
  WebhookEndpointSchema,
} from './webhooks/webhook.schemas.js'
import { webhookRoutes } from './webhooks/webhook.routes.js'
import { webFoundation } from './web/web-foundation.js'
import { transferRoutes } from './transfer/transfer.routes.js'
import { consoleRoutes } from './console/console.routes.js'
import { docsPageRoutes } from './system/docs-page.routes.js'
import { offlineActivationRoutes } from './offline-activation/offline-activation.routes.js'
// t18: trials and named users (issue 18)
import { namedUserAdminRoutes } from './named-users/named-user-admin.routes.js'
import { namedUserPublicRoutes } from './named-users/named-user-public.routes.js'
import { trialAdminRoutes } from './trials/trial-admin.routes.js'
import { trialPublicRoutes } from './trials/trial-public.routes.js'
import { countTrialRefusals } from './trials/trial-refused.js'
import { seatAdminRoutes } from './seats/seat-admin.routes.js'
import { seatRoutes } from './seats/seat.routes.js'
import { staffAdminRoutes } from './console/staff-admin.routes.js'
import { seatPoolRoutes } from './seat-pools/seat-pool.routes.js'

/**
 * The shared `$id` schemas, at the root so every scope (and the OpenAPI document) can `$ref`
 * them. Features add theirs here.
 *
 * @example
 * ```ts
 * registerSharedSchemas(app)
 * ```
 */
export function registerSharedSchemas(app: FastifyInstance): void {
  for (const schema of [
    ErrorSchema,
    CustomerSchema,
    PlanSchema,
    LicenseSchema,
    ApiKeySchema,
    SigningKeySchema,
    AuditEntrySchema,
    BillingEventSchema,
    OutboxMessageSchema,
    WebhookEndpointSchema,
    WebhookDeliverySchema,
    EventSchema,
  ]) {
    app.addSchema(schema)
  }
}

/**
 * Every route of the server, in its scope: the admin API (`/v1/admin/*`, API-key auth, limited
 * per key), the public API (`/v1/*`, limited per IP), Stripe webhooks, the JWKS and the
 * operations routes. A feature adds its routes here.
 *
 * @example
 * ```ts
 * await registerRoutes(app, { fleet, rateLimits })
 * ```
 */
export async function registerRoutes(
  app: FastifyInstance,
  { fleet, rateLimits }: { fleet: Fleet; rateLimits: RateLimitHooks },
): Promise<void> {
  // On the root, so refusals from activation (machine) and from the trial routes are counted.
  countTrialRefusals(app)
  // ---- Admin API: /v1/admin/*, API-key auth, limited per key. Add feature routes here. ----
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', authenticateAdmin)
      admin.addHook('onRequest', rateLimits.perApiKey)
      admin.addHook('preHandler', idempotencyPreHandler)
      admin.addHook('onSend', idempotencyOnSend)
      await admin.register(customerRoutes)
      await admin.register(planRoutes)
      await admin.register(licenseRoutes)
      await admin.register(apiKeyRoutes)
      await admin.register(signingKeyRoutes)
      await admin.register(auditRoutes)
      await admin.register(fleetAdminRoutes, { fleet })
      await admin.register(billingAdminRoutes)
      await admin.register(outboxRoutes)
      await admin.register(portalAdminRoutes)
      await admin.register(webhookRoutes)
      await admin.register(offlineActivationRoutes, { fleet })
      await admin.register(seatAdminRoutes, { fleet })
      await admin.register(seatPoolRoutes, { fleet })
      await admin.register(transferRoutes)
      await admin.register(staffAdminRoutes) // k16: tollgate staff invite / list
    },
    { prefix: '/v1/admin' },
  )

  // ---- Public API: /v1/*, authenticated by license key, limited per IP. Add routes here. ----
  await app.register(
    async (pub) => {
      pub.addHook('onRequest', rateLimits.perIp)
      pub.addHook('onSend', corsOnSend)
      await pub.register(validateRoutes)
      await pub.register(fleetPublicRoutes, { fleet })
      await pub.register(billingPublicRoutes)
      await pub.register(analyzeRoutes)
      await pub.register(publicPlanRoutes)
      await pub.register(seatRoutes, { fleet })
    },
    { prefix: '/v1' },
  )
  // ---- t18: trials and named users (issue 18): admin and public scopes as above. ----
  await app.register(
    async (admin) => {
      admin.addHook('onRequest', authenticateAdmin)
      admin.addHook('onRequest', rateLimits.perApiKey)
      admin.addHook('preHandler', idempotencyPreHandler)
      admin.addHook('onSend', idempotencyOnSend)
      await admin.register(trialAdminRoutes)
      await admin.register(namedUserAdminRoutes)
    },
    { prefix: '/v1/admin' },
  )
  await app.register(
    async (pub) => {
      pub.addHook('onRequest', rateLimits.perIp)
      pub.addHook('onSend', corsOnSend)
      await pub.register(trialPublicRoutes)
      await pub.register(namedUserPublicRoutes, { fleet })
    },
    { prefix: '/v1' },
  )
  // Stripe webhooks: signature-verified, raw body, not IP rate limited (Stripe sends bursts
  // from a few addresses, and a rejected delivery is only retried later).
  await app.register(stripeWebhookRoutes, { prefix: '/v1' })
  await app.register(async (wellKnown) => {
    wellKnown.addHook('onRequest', rateLimits.perIp)
    await wellKnown.register(jwksRoutes)
  })

  // ---- Operations: /health, /metrics, /docs/json (not rate limited). ----
  await app.register(systemRoutes)
  await app.register(portalJobsPlugin)

  // ---- Web surfaces: shared assets + session purge; /console and /portal scopes below. ----
  await app.register(webFoundation)
  await app.register(portalWeb, { fleet, rateLimits })
  await app.register(consoleRoutes, { prefix: '/console' })
  await app.register(docsPageRoutes)
}
