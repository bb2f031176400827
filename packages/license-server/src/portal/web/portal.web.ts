import type { FastifyInstance } from 'fastify'
import type { Fleet } from '../../deployments/fleet.js'
import type { RateLimitHooks } from '../../security/rate-limits.js'
import { AppError } from '../../errors/app-error.js'
import { PageError } from '../../web/page-error.js'
import { requireSignedIn, setupWebScope } from '../../web/web-scope.js'
import { accountPages } from './account.pages.js'
import { licensePages } from './license.pages.js'
import { loginPages } from './login.pages.js'
import { offlinePages } from './offline.pages.js'
import { supportPages } from './support.pages.js'

/** Where the Stripe customer portal lives: the billing button's redirect goes there. */
const STRIPE_BILLING_ORIGIN = 'https://billing.stripe.com'

/**
 * The customer portal at `/portal`: the web foundation's scope for the `customer` realm (forms,
 * sessions, CSRF + Origin checks, security headers, HTML errors), limited per IP, with the
 * sign-in and support-link pages open and everything else behind a signed-in session.
 *
 * @example
 * ```ts
 * await app.register(portalWeb, { fleet, rateLimits })
 * ```
 */
export async function portalWeb(
  app: FastifyInstance,
  opts: { fleet: Fleet; rateLimits: RateLimitHooks },
): Promise<void> {
  await app.register(
    async (scope) => {
      await setupWebScope(scope, {
        realm: 'customer',
        app: 'Customer portal',
        homeHref: '/portal',
        loginHref: '/portal/login',
        formActionSources: [STRIPE_BILLING_ORIGIN],
      })
      scope.addHook('onRequest', opts.rateLimits.perIp)
      await scope.register(loginPages)
      await scope.register(supportPages)
      await scope.register(async (inner) => {
        inner.addHook('preHandler', requireSignedIn('/portal/login'))
        // A refused action (member, support view) is a 403 page with the service's reason;
        // everything else goes on to the web scope's error handler as it is.
        inner.setErrorHandler((err) => {
          if (err instanceof AppError && err.statusCode === 403) {
            throw new PageError('FORBIDDEN', err.message, { cause: err })
          }
          throw err
        })
        await inner.register(licensePages)
        await inner.register(accountPages)
        await inner.register(offlinePages, { fleet: opts.fleet })
      })
    },
    { prefix: '/portal' },
  )
}
