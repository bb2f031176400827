import type { FastifyInstance } from 'fastify'
import { requireSignedIn, setupWebScope } from '../web/web-scope.js'
import { consoleAccountRoutes } from './account.routes.js'
import { consoleAuditRoutes } from './audit.routes.js'
import { consoleOperationsRoutes } from './operations.routes.js'
import { consoleAuthRoutes } from './auth.routes.js'
import { loadStaff } from './console-context.js'
import { consoleCustomerRoutes } from './customers.routes.js'
import { prepareConsoleSetup } from './console-setup.js'
import { consoleInviteRoutes } from './invite.routes.js'
import { consoleLicenseRoutes } from './licenses.routes.js'
import { consoleLicenseActionRoutes } from './license-actions.routes.js'
import { consolePlanRoutes } from './plans.routes.js'
import { consoleAdminActionRoutes } from './admin-actions.routes.js'
import { consoleOverviewRoutes } from './overview.routes.js'
import { consoleStaffRoutes } from './staff.routes.js'
import { consoleSupportLinkRoutes } from '../portal/console-support-link.routes.js'
import { consoleNamedUserRoutes } from '../named-users/console-users.routes.js'
import { consoleKeyRoutes } from './keys.routes.js'
import { consoleBillingRoutes } from './billing.routes.js'
import { consoleLicenseIssueRoutes } from './license-issue.routes.js'
import { consoleSeatReleaseRoutes } from './seat-release.routes.js'
import { consoleTrialRoutes } from './trials.routes.js'

/**
 * The staff console under `/console` (register with that prefix): sign-in and invitation pages,
 * then the signed-in pages behind the auth guard.
 *
 * @example
 * ```ts
 * await app.register(consoleRoutes, { prefix: '/console' })
 * ```
 */
export async function consoleRoutes(scope: FastifyInstance): Promise<void> {
  await setupWebScope(scope, {
    realm: 'staff',
    app: 'Tollgate console',
    homeHref: '/console',
    loginHref: '/console/login',
  })
  await prepareConsoleSetup(scope.tollgate)
  await scope.register(consoleAuthRoutes)
  await scope.register(consoleInviteRoutes)
  await scope.register(async (inner) => {
    inner.addHook('preHandler', requireSignedIn('/console/login'))
    inner.addHook('preHandler', loadStaff)
    await inner.register(consoleOverviewRoutes)
    await inner.register(consoleLicenseRoutes)
    await inner.register(consoleLicenseActionRoutes)
    await inner.register(consoleCustomerRoutes)
    await inner.register(consoleSupportLinkRoutes)
    await inner.register(consoleStaffRoutes)
    await inner.register(consoleAccountRoutes)
    await inner.register(consoleAuditRoutes)
    await inner.register(consoleOperationsRoutes)
    await inner.register(consolePlanRoutes)
    await inner.register(consoleAdminActionRoutes)
    await inner.register(consoleNamedUserRoutes) // t18: named users (issue 18)
    await inner.register(consoleKeyRoutes) // k16: keys page with signing-key actions
    await inner.register(consoleBillingRoutes) // k16: billing events with retry, outbox
    await inner.register(consoleLicenseIssueRoutes) // k16: issue form with customer picker
    await inner.register(consoleSeatReleaseRoutes) // v18: release a floating seat
    await inner.register(consoleTrialRoutes) // v18: trials page
  })
}
