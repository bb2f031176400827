import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import { createCustomer } from '../customers/create-customer.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { CustomerRow } from '../customers/customer.table.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { issueLicense } from '../licenses/issue-license.js'
import type { LicenseRow } from '../licenses/license.table.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { findPlan } from '../plans/plan.repository.js'
import { normalizeEmail } from '../portal/portal-email.js'
import { findTrialFor, insertTrial } from './trial.repository.js'
import type { TrialRow, TrialSource } from './trial.table.js'
import { toTrialView } from './trial.view.js'
import { TrialAlreadyUsedError } from './trial-refused.js'

const DAY_MS = 86_400_000

/** Input of {@link issueTrial}: a trial plan and who gets it (a customer, an email, or both). */
export interface IssueTrialInput {
  planId: string
  customerId?: string | undefined
  email?: string | undefined
  /** Name of a customer created for a new email (default: the email). */
  name?: string | undefined
  source: TrialSource
}

/** The customer a trial goes to: the given one, the one with this email, or a new one. */
async function trialCustomer(
  trx: Db,
  tenantId: string,
  input: IssueTrialInput,
  email: string | undefined,
  actor: AuditActor,
  now: Date,
): Promise<CustomerRow> {
  if (input.customerId) {
    const found = await findCustomer(trx, tenantId, input.customerId)
    if (!found) throw new AppError('NOT_FOUND', `No customer ${input.customerId}`)
    return found
  }
  const matches = await trx
    .selectFrom('customers')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email!))
    .orderBy('id')
    .limit(1)
    .execute()
  if (matches[0]) return matches[0]
  return createCustomer(
    trx,
    tenantId,
    {
      name: input.name ?? email!,
      email: email!,
      metadata: { source: input.source === 'self_service' ? 'trial_signup' : 'trial' },
    },
    actor,
    now,
  )
}

/**
 * Issues a trial license on a trial plan (`trialDays` set): it expires after the plan's trial
 * length, and is recorded as the one trial of its customer and of its email — a second one is
 * TRIAL_ALREADY_USED (checked first, and enforced by unique keys under concurrency). Audited
 * as `trial.issue` next to the usual `license.issue`.
 *
 * @example
 * ```ts
 * const { license, token } = await db.transaction().execute((trx) =>
 *   issueTrial(trx, tenantId, { planId, email: 'dev@acme.test', source: 'staff' }, actor, app.tollgate),
 * )
 * ```
 */
export async function issueTrial(
  trx: Db,
  tenantId: string,
  input: IssueTrialInput,
  actor: AuditActor,
  deps: LicensingDeps,
): Promise<{ trial: TrialRow; license: LicenseRow; token: string }> {
  const now = deps.now()
  const plan = await findPlan(trx, tenantId, input.planId)
  if (!plan) throw new AppError('NOT_FOUND', `No plan ${input.planId}`)
  if (plan.trial_days === null) {
    throw new AppError('NOT_A_TRIAL_PLAN', `Plan ${plan.id} has no trialDays`)
  }
  const given = input.email === undefined ? undefined : normalizeEmail(input.email)
  if (input.email !== undefined && !given) {
    throw new AppError('VALIDATION_FAILED', 'email is not an email address')
  }
  if (!given && !input.customerId) {
    throw new AppError('VALIDATION_FAILED', 'A trial needs an email or a customerId')
  }
  const customer = await trialCustomer(trx, tenantId, input, given, actor, now)
  const email = given ?? normalizeEmail(customer.email) ?? null
  const earlier = await findTrialFor(trx, tenantId, { customerId: customer.id, email })
  if (earlier) {
    throw new TrialAlreadyUsedError(earlier.customer_id === customer.id ? 'customer' : 'email')
  }
  const endsAt = new Date(now.getTime() + plan.trial_days * DAY_MS)
  const issued = await issueLicense(
    trx,
    tenantId,
    { customerId: customer.id, planId: plan.id, expiresAt: endsAt },
    actor,
    deps,
  )
  const trial: TrialRow = {
    id: newId('trl'),
    tenant_id: tenantId,
    license_id: issued.license.id,
    customer_id: customer.id,
    plan_id: plan.id,
    email,
    source: input.source,
    ends_at: endsAt,
    converted_at: null,
    created_at: now,
  }
  if (!(await insertTrial(trx, trial))) {
    // Lost a race with a concurrent issue: the unique keys are per customer first.
    throw new TrialAlreadyUsedError('customer')
  }
  await recordAudit(trx, {
    tenantId,
    actor,
    action: 'trial.issue',
    targetType: 'license',
    targetId: issued.license.id,
    after: toTrialView(trial),
    at: now,
  })
  return { trial, ...issued }
}
