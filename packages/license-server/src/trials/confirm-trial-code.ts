import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { LicenseRow } from '../licenses/license.table.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { loginCodeMatches } from '../portal/login-code-hash.js'
import { normalizeEmail } from '../portal/portal-email.js'
import { issueTrial } from './issue-trial.js'
import { TRIAL_CODE_POLICY, type TrialCodePolicy } from './request-trial-code.js'
import { selfServicePlanId } from './trial.repository.js'
import type { TrialRow } from './trial.table.js'

/**
 * Step 2 of a self-service trial: checks the emailed code (newest live code of the email, salted
 * scrypt, constant-time) and issues the trial license on the tenant's self-service plan. A code
 * works once; every wrong try counts, and `maxAttempts` of them burn it (the caller must request
 * a new one, which is limited per hour). Any failure is the same TRIAL_CODE_INVALID. An email
 * (or machine, later) that already had a trial gets TRIAL_ALREADY_USED — only now, after the
 * code proved the mailbox.
 *
 * @example
 * ```ts
 * const { token } = await confirmTrialCode(db, { tenantId, email, code: '048213', actor }, app.tollgate)
 * ```
 */
export async function confirmTrialCode(
  db: Kysely<Database>,
  input: {
    tenantId: string
    email: string
    code: string
    actor: AuditActor
    policy?: TrialCodePolicy
  },
  deps: LicensingDeps,
): Promise<{ trial: TrialRow; license: LicenseRow; token: string }> {
  const { tenantId } = input
  const policy = input.policy ?? TRIAL_CODE_POLICY
  const planId = await selfServicePlanId(db, tenantId)
  if (!planId) throw new AppError('TRIALS_DISABLED')
  const email = normalizeEmail(input.email)
  const typed = input.code.replace(/[\s-]/g, '')
  const now = deps.now()
  const checked = await db.transaction().execute(async (trx) => {
    if (!email) return false
    const live = await trx
      .selectFrom('trial_signup_codes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email)
      .where('consumed_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .forUpdate()
      .executeTakeFirst()
    if (!live) return false
    const ok =
      live.expires_at > now &&
      /^[0-9]{6}$/.test(typed) &&
      (await loginCodeMatches(typed, live.code_hash, live.salt))
    const attempts = live.attempts + (ok ? 0 : 1)
    const burn = ok || attempts >= policy.maxAttempts || live.expires_at <= now
    await trx
      .updateTable('trial_signup_codes')
      .set({ attempts, ...(burn ? { consumed_at: now } : {}) })
      .where('id', '=', live.id)
      .execute()
    return ok
  })
  if (!checked) throw new AppError('TRIAL_CODE_INVALID')
  return db
    .transaction()
    .execute((trx) =>
      issueTrial(
        trx,
        tenantId,
        { planId, email: email!, source: 'self_service' },
        input.actor,
        deps,
      ),
    )
}
