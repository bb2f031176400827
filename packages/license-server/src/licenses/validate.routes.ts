import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox'
import { errorResponses } from '../lib/schemas.js'
import { checkLicenseKey } from './check-license-key.js'
import { ValidateBody, ValidateResponse } from './license.schemas.js'
import { toPublicLicenseView } from './license.view.js'

/**
 * `POST /v1/licenses/validate`: online check of a license key. Outcomes are 200
 * `{ valid, code, ... }`; only malformed requests are 4xx. Limited per IP (scope hook) and
 * per license by plan tier.
 *
 * @example
 * ```ts
 * pub.register(validateRoutes)
 * ```
 */
export const validateRoutes: FastifyPluginCallbackTypebox = (app, _opts, done) => {
  const { db, signingKeys, now, metrics, rateLimits, licenseCache } = app.tollgate
  app.post(
    '/licenses/validate',
    {
      schema: {
        tags: ['public'],
        body: ValidateBody,
        response: { 200: ValidateResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const result = await checkLicenseKey(db, signingKeys, req.body.key, {
        now: now(),
        deploymentId: req.body.deploymentId,
        cache: licenseCache,
      })
      if (result.row) {
        await rateLimits.perLicense(req, reply, { id: result.row.id, tier: result.row.tier })
      }
      metrics.validations.inc({ code: result.code })
      // In memory only: flushed to request_counts in batches (the console's per-hour chart).
      if (result.row) app.fleet.requests.count(result.row.tenant_id, 'validation', now())
      // The row stays server-side; the key holder sees the customer-facing view.
      return {
        valid: result.valid,
        code: result.code,
        license: result.license && toPublicLicenseView(result.license),
        entitlements: result.entitlements,
        limits: result.limits,
        warnings: result.warnings,
      }
    },
  )
  done()
}
