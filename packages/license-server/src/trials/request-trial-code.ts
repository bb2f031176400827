import type { Kysely } from 'kysely'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { enqueueMessage } from '../outbox/outbox.repository.js'
import { productName } from '../portal/request-login-code.js'
import { hashLoginCode, newLoginCode } from '../portal/login-code-hash.js'
import { normalizeEmail } from '../portal/portal-email.js'
import { selfServicePlanId } from './trial.repository.js'

/** Limits of self-service trial codes. */
export interface TrialCodePolicy {
  /** How long a code works. */
  codeTtlMs: number
  /** Codes sent per email per window; more requests answer the same and send nothing. */
  maxRequests: number
  windowMs: number
  /** Wrong attempts that burn a code. */
  maxAttempts: number
}

/** The defaults: 15-minute codes, 3 per email per hour, 5 tries each. */
export const TRIAL_CODE_POLICY: TrialCodePolicy = {
  codeTtlMs: 15 * 60_000,
  maxRequests: 3,
  windowMs: 3_600_000,
  maxAttempts: 5,
}

/**
 * Step 1 of a self-service trial: emails a one-time 6-digit code (scrypt-hashed at rest, the
 * portal's code machinery) through the outbox. The answer and the work are the same whether or
 * not the email already had a trial or is a customer, so the endpoint tells nobody anything
 * about an address (that is answered only after the code proves the mailbox). TRIALS_DISABLED
 * unless the tenant named a self-service trial plan. Past `maxRequests` per window, nothing is
 * sent (same answer).
 *
 * @example
 * ```ts
 * await requestTrialCode(db, { tenantId, email: 'dev@acme.test', now })
 * ```
 */
export async function requestTrialCode(
  db: Kysely<Database>,
  input: { tenantId: string; email: string; now: Date; policy?: TrialCodePolicy },
): Promise<void> {
  const { tenantId, now } = input
  const policy = input.policy ?? TRIAL_CODE_POLICY
  if (!(await selfServicePlanId(db, tenantId))) throw new AppError('TRIALS_DISABLED')
  const email = normalizeEmail(input.email)
  if (!email) throw new AppError('VALIDATION_FAILED', 'email is not an email address')
  const code = newLoginCode()
  const { hash, salt } = await hashLoginCode(code)
  await db.transaction().execute(async (trx) => {
    // Serialises the tenant's code requests (on any instance) so the window count is exact;
    // they are few (rate limited per IP) and the scrypt work is done before.
    await trx
      .selectFrom('trial_settings')
      .select('tenant_id')
      .where('tenant_id', '=', tenantId)
      .forUpdate()
      .execute()
    const recent = await trx
      .selectFrom('trial_signup_codes')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email)
      .where('created_at', '>', new Date(now.getTime() - policy.windowMs))
      .executeTakeFirstOrThrow()
    if (Number(recent.n) >= policy.maxRequests) return
    // A new code supersedes the previous one.
    await trx
      .updateTable('trial_signup_codes')
      .set({ consumed_at: now })
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email)
      .where('consumed_at', 'is', null)
      .execute()
    const id = newId('tsc')
    await trx
      .insertInto('trial_signup_codes')
      .values({
        id,
        tenant_id: tenantId,
        email,
        code_hash: hash,
        salt,
        expires_at: new Date(now.getTime() + policy.codeTtlMs),
        consumed_at: null,
        created_at: now,
      })
      .execute()
    const product = await productName(trx, tenantId)
    const minutes = Math.round(policy.codeTtlMs / 60_000)
    await enqueueMessage(trx, {
      tenantId,
      kind: 'trial.code',
      dedupeKey: `trial.code:${id}`,
      recipient: email,
      // The code stays out of the subject: subjects are kept after delivery and logged.
      subject: `Your ${product} trial code`,
      body: [
        `Your code to start a ${product} trial is:`,
        '',
        `    ${code}`,
        '',
        `It works once, for ${minutes} minutes. If you did not ask for it, ignore this email.`,
      ].join('\n'),
      now,
    })
  })
}
