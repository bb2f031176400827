import type { Kysely } from 'kysely'
import { findTenant } from '../tenants/tenant.repository.js'
import type { Database, Db } from '../db/database.js'
import { newId } from '../lib/ids.js'
import { enqueueMessage } from '../outbox/outbox.repository.js'
import { findBranding } from './branding.repository.js'
import { hashLoginCode, newLoginCode } from './login-code-hash.js'
import { lockLoginThrottle, saveLoginThrottle } from './login-throttle.repository.js'
import type { PortalLoginPolicy } from './portal.config.js'
import { normalizeEmail } from './portal-email.js'
import { findPortalUserByEmail, insertPortalUser } from './portal-user.repository.js'
import type { PortalUserRow } from './portal.table.js'

/** Outcome of {@link requestLoginCode}: the same for known and unknown emails. */
export type RequestCodeResult = { ok: true; email: string } | { ok: false; reason: 'bad_email' }

/**
 * The person an email signs in as: an existing, not disabled person, or, on a first sign-in,
 * the buyer named on exactly one customer (provisioned as that account's admin).
 */
async function resolvePerson(
  db: Db,
  tenantId: string,
  email: string,
  now: Date,
): Promise<PortalUserRow | undefined> {
  const existing = await findPortalUserByEmail(db, tenantId, email)
  if (existing) return existing.status === 'disabled' ? undefined : existing
  const buyers = await db
    .selectFrom('customers')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .limit(2)
    .execute()
  // Two customers with one contact email: which account is meant is unknowable; staff invite.
  if (buyers.length !== 1) return undefined
  const row: PortalUserRow = {
    id: newId('cpu'),
    tenant_id: tenantId,
    customer_id: buyers[0]!.id,
    email,
    role: 'admin',
    status: 'invited',
    invited_by: 'system',
    last_login_at: null,
    created_at: now,
    updated_at: now,
  }
  await insertPortalUser(db, row)
  return row
}

/**
 * Step 1 of portal sign-in: emails a one-time 6-digit code through the outbox. The answer and
 * the work done (a hashed code row, the throttle update) are the same whether or not the email
 * belongs to anyone, so the form cannot be used to find customers' addresses. Requests past
 * the per-email limit, or while the email is locked out, send nothing and answer the same.
 * Each new code supersedes the previous one.
 *
 * @example
 * ```ts
 * const r = await requestLoginCode(db, { tenantId, email: 'ops@acme.test', now, policy })
 * ```
 */
export async function requestLoginCode(
  db: Kysely<Database>,
  input: { tenantId: string; email: unknown; now: Date; policy: PortalLoginPolicy },
): Promise<RequestCodeResult> {
  const email = normalizeEmail(input.email)
  if (!email) return { ok: false, reason: 'bad_email' }
  const { now, policy, tenantId } = input
  const code = newLoginCode()
  const { hash, salt } = await hashLoginCode(code)
  await db.transaction().execute(async (trx) => {
    const throttle = await lockLoginThrottle(trx, tenantId, email, now)
    if (now.getTime() - throttle.window_started_at.getTime() >= policy.windowMs) {
      throttle.window_started_at = now
      throttle.requests = 0
    }
    const locked = throttle.locked_until !== null && throttle.locked_until > now
    throttle.requests += 1
    throttle.updated_at = now
    await saveLoginThrottle(trx, throttle)
    if (locked || throttle.requests > policy.maxRequests) return
    const person = await resolvePerson(trx, tenantId, email, now)
    await trx
      .updateTable('portal_login_codes')
      .set({ consumed_at: now })
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email)
      .where('consumed_at', 'is', null)
      .execute()
    const id = newId('plc')
    await trx
      .insertInto('portal_login_codes')
      .values({
        id,
        tenant_id: tenantId,
        email,
        user_id: person?.id ?? null,
        code_hash: hash,
        salt,
        attempts: 0,
        expires_at: new Date(now.getTime() + policy.codeTtlMs),
        consumed_at: null,
        created_at: now,
      })
      .execute()
    if (!person) return
    const product = await productName(trx, tenantId)
    const minutes = Math.round(policy.codeTtlMs / 60_000)
    await enqueueMessage(trx, {
      tenantId,
      kind: 'portal.login_code',
      dedupeKey: `portal.login_code:${id}`,
      recipient: email,
      // The code stays out of the subject: subjects are kept after delivery and logged.
      subject: `Your ${product} sign-in code`,
      body: [
        `Your ${product} customer portal sign-in code is:`,
        '',
        `    ${code}`,
        '',
        `It works once, for ${minutes} minutes. If you did not ask for it, ignore this email:`,
        'nobody can sign in without the code.',
      ].join('\n'),
      now,
    })
  })
  return { ok: true, email }
}

/** The name the portal goes by: the tenant's branding, else the tenant's name. */
export async function productName(db: Db, tenantId: string): Promise<string> {
  const branding = await findBranding(db, tenantId)
  if (branding?.product_name) return branding.product_name
  return (await findTenant(db, tenantId))?.name ?? 'Customer portal'
}
