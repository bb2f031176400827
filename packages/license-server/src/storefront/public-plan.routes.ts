import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { createHash } from 'node:crypto'
import { Type } from 'typebox'
import { EmptyQuery, NullableInteger, StringEnum, errorResponses } from '../lib/schemas.js'
import { listPublicPlans } from '../plans/plan.repository.js'
import type { PlanRow } from '../plans/plan.table.js'

const PublicPlan = Type.Object({
  id: Type.String(),
  name: Type.String(),
  product: Type.String(),
  tier: Type.String(),
  entitlements: Type.Array(Type.String()),
  limits: Type.Record(Type.String(), Type.Number()),
  durationDays: NullableInteger,
  purchaseMode: StringEnum(['subscription', 'payment'] as const),
  /** True when checkout can sell it (it has a Stripe price). */
  purchasable: Type.Boolean(),
})

/** What a pricing page may see of a plan: no Stripe ids, no policy internals. */
function toPublicPlan(p: PlanRow) {
  return {
    id: p.id,
    name: p.name,
    product: p.product,
    tier: p.tier,
    entitlements: p.entitlements,
    limits: p.limits,
    durationDays: p.duration_days,
    purchaseMode: p.purchase_mode,
    purchasable: p.stripe_price_id !== null,
  }
}

/**
 * `GET /v1/plans`: the plans marked `public` of the tenant checkout sells for, for pricing
 * pages; cacheable (`Cache-Control: public, max-age=60`, ETag, 304 on `If-None-Match`) and
 * callable cross-origin from CORS_ORIGINS. Preflight routes for it and for checkout.
 *
 * @example
 * ```ts
 * await pub.register(publicPlanRoutes)
 * ```
 */
export const publicPlanRoutes: FastifyPluginAsyncTypebox = (app) => {
  app.get(
    '/plans',
    {
      schema: {
        tags: ['billing'],
        querystring: EmptyQuery,
        response: { 200: Type.Object({ items: Type.Array(PublicPlan) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const rows = await listPublicPlans(app.tollgate.db, app.billing.tenantId)
      const body = { items: rows.map(toPublicPlan) }
      const etag = `W/"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 27)}"`
      void reply.header('cache-control', 'public, max-age=60').header('etag', etag)
      if (req.headers['if-none-match'] === etag) return reply.code(304).send()
      return body
    },
  )
  for (const url of ['/plans', '/billing/checkout']) {
    app.options(url, { schema: { hide: true } }, (_req, reply) => reply.code(204).send())
  }
  return Promise.resolve()
}
