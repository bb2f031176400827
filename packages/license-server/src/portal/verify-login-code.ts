import type { Kysely } from 'kysely'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { loginCodeMatches } from './login-code-hash.js'
import { lockLoginThrottle, saveLoginThrottle } from './login-throttle.repository.js'
import type { PortalLoginPolicy } from './portal.config.js'
import { normalizeEmail } from './portal-email.js'
import { updatePortalUser } from './portal-user.repository.js'
import type { PortalUserRow } from './portal.table.js'

/** Outcome of {@link verifyLoginCode}. `locked` carries when the email may try again. */
export type VerifyCodeResult =
  | { ok: true; user: PortalUserRow }
  | { ok: false; reason: 'invalid' | 'expired' }
  | { ok: false; reason: 'locked'; until: Date }

/**
 * Step 2 of portal sign-in: checks a typed code against the newest live code of the email
 * (salted scrypt hash, constant-time compare). A code works once and for its TTL; every wrong,
 * malformed or stale attempt counts against the email, and `maxFailures` of them lock it out
 * for `lockMs` and burn the live code. Success activates an invited person and is audited as
 * `portal.login` with the person as actor.
 *
 * @example
 * ```ts
 * const r = await verifyLoginCode(db, { tenantId, email, code: '048213', now, policy, ip })
 * if (r.ok) startSession(r.user)
 * ```
 */
export async function verifyLoginCode(
  db: Kysely<Database>,
  input: {
    tenantId: string
    email: unknown
    code: unknown
    now: Date
    policy: PortalLoginPolicy
    requestId?: string
    ip?: string
  },
): Promise<VerifyCodeResult> {
  const email = normalizeEmail(input.email)
  if (!email) return { ok: false, reason: 'invalid' }
  const typed = typeof input.code === 'string' ? input.code.replace(/[\s-]/g, '') : ''
  const { now, policy, tenantId } = input
  return db.transaction().execute(async (trx): Promise<VerifyCodeResult> => {
    const throttle = await lockLoginThrottle(trx, tenantId, email, now)
    if (throttle.locked_until && throttle.locked_until > now) {
      return { ok: false, reason: 'locked', until: throttle.locked_until }
    }
    const live = await trx
      .selectFrom('portal_login_codes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email)
      .where('consumed_at', 'is', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst()
    const expired = live !== undefined && live.expires_at <= now
    const matches =
      live !== undefined &&
      !expired &&
      live.user_id !== null &&
      /^[0-9]{6}$/.test(typed) &&
      (await loginCodeMatches(typed, live.code_hash, live.salt))
    if (!matches) {
      throttle.failures += 1
      throttle.updated_at = now
      const lockNow = throttle.failures >= policy.maxFailures
      if (lockNow) {
        throttle.locked_until = new Date(now.getTime() + policy.lockMs)
        throttle.failures = 0
      }
      await saveLoginThrottle(trx, throttle)
      if (live) {
        await trx
          .updateTable('portal_login_codes')
          .set((eb) => ({
            attempts: eb('attempts', '+', 1),
            ...(lockNow || expired ? { consumed_at: now } : {}),
          }))
          .where('id', '=', live.id)
          .execute()
      }
      if (lockNow) return { ok: false, reason: 'locked', until: throttle.locked_until! }
      return { ok: false, reason: expired ? 'expired' : 'invalid' }
    }
    const used = await trx
      .updateTable('portal_login_codes')
      .set({ consumed_at: now })
      .where('id', '=', live.id)
      .where('consumed_at', 'is', null)
      .returning('id')
      .executeTakeFirst()
    if (!used) return { ok: false, reason: 'invalid' }
    throttle.failures = 0
    throttle.updated_at = now
    await saveLoginThrottle(trx, throttle)
    const person = await trx
      .selectFrom('portal_users')
      .select('status')
      .where('id', '=', live.user_id!)
      .executeTakeFirst()
    // Disabled after the code was sent: the code is spent, the door stays shut.
    if (!person || person.status === 'disabled') return { ok: false, reason: 'invalid' }
    const user = (await updatePortalUser(
      trx,
      live.user_id!,
      { status: 'active', last_login_at: now },
      now,
    ))!
    await recordAudit(trx, {
      tenantId,
      actor: {
        actor: `portal:${user.id}`,
        requestId: input.requestId ?? null,
        ip: input.ip ?? null,
      },
      action: 'portal.login',
      targetType: 'customer',
      targetId: user.customer_id,
      after: { email: user.email, method: 'email_code' },
      at: now,
    })
    return { ok: true, user }
  })
}
