import type { Kysely } from 'kysely'
import { SYSTEM_ACTOR } from '../audit/audit-actor.js'
import type { Database } from '../db/database.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { listPastDue, lockSubscription } from './billing-subscription.repository.js'
import { reconcileLicense } from './reconcile-license.js'

/**
 * The past-due job: suspends the licenses whose subscription has been in arrears longer than
 * its plan's `pastDueGraceDays`, by app time (`deps.now`). No event arrives when a grace
 * period ends, so something has to look; it re-runs the same reconciliation the webhook uses,
 * one subscription per transaction (row-locked, so it is safe next to webhooks and other
 * instances). Returns the license ids it suspended.
 *
 * @example
 * ```ts
 * const suspended = await sweepPastDue(app.tollgate.db, app.tollgate)
 * ```
 */
export async function sweepPastDue(db: Kysely<Database>, deps: LicensingDeps): Promise<string[]> {
  const now = deps.now()
  const suspended: string[] = []
  for (const candidate of await listPastDue(db, now)) {
    await db.transaction().execute(async (trx) => {
      const sub = await lockSubscription(
        trx,
        candidate.tenant_id,
        candidate.stripe_subscription_id,
        {
          now,
          stripeCustomerId: candidate.stripe_customer_id,
        },
      )
      const result = await reconcileLicense(trx, sub, SYSTEM_ACTOR, deps, {
        dedupe: `sweep:${now.toISOString()}`,
      })
      if (result.changes.includes('suspend') && result.license) suspended.push(result.license.id)
    })
  }
  return suspended
}
