import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { newId } from '../lib/ids.js'
import { enqueueMessage } from '../outbox/outbox.repository.js'
import { MAX_TEAM_SIZE } from './portal.config.js'
import { normalizeEmail } from './portal-email.js'
import {
  findPortalUserByEmail,
  insertPortalUser,
  listPortalUsers,
} from './portal-user.repository.js'
import type { PortalRole, PortalUserRow } from './portal.table.js'
import { productName } from './request-login-code.js'

/** What {@link invitePortalUser} needs. */
export interface InviteInput {
  tenantId: string
  customerId: string
  email: unknown
  role: PortalRole
  /** Where the invitee signs in (`https://licenses.vendor.example/portal/login`). */
  loginUrl: string
  actor: AuditActor
  now: Date
}

/**
 * Adds a person to a customer account (a colleague invited by an admin in the portal, or the
 * first person added by staff) and emails them where to sign in. The email carries no secret:
 * the invitee signs in with a one-time code like everyone. An email already used by a person
 * of this tenant is CONFLICT (one person, one customer account); the team is capped at
 * MAX_TEAM_SIZE. Audited as `portal_user.invite`.
 *
 * @example
 * ```ts
 * const user = await invitePortalUser(db, { tenantId, customerId, email: 'dev@acme.test', role: 'member', loginUrl, actor, now })
 * ```
 */
export async function invitePortalUser(
  db: Kysely<Database>,
  input: InviteInput,
): Promise<PortalUserRow> {
  const email = normalizeEmail(input.email)
  if (!email) throw new AppError('VALIDATION_FAILED', 'Enter a valid email address')
  const { tenantId, customerId, now } = input
  return db.transaction().execute(async (trx) => {
    const customer = await findCustomer(trx, tenantId, customerId)
    if (!customer) throw new AppError('NOT_FOUND', `No customer ${customerId}`)
    // Serialises invites of one customer so the team cap holds under concurrency.
    await trx
      .selectFrom('customers')
      .select('id')
      .where('id', '=', customer.id)
      .forUpdate()
      .execute()
    if (await findPortalUserByEmail(trx, tenantId, email)) {
      throw new AppError('CONFLICT', `${email} already has a portal account`)
    }
    const team = await listPortalUsers(trx, tenantId, customerId)
    if (team.filter((u) => u.status !== 'disabled').length >= MAX_TEAM_SIZE) {
      throw new AppError('PORTAL_TEAM_FULL')
    }
    const row: PortalUserRow = {
      id: newId('cpu'),
      tenant_id: tenantId,
      customer_id: customerId,
      email,
      role: input.role,
      status: 'invited',
      invited_by: input.actor.actor,
      last_login_at: null,
      created_at: now,
      updated_at: now,
    }
    await insertPortalUser(trx, row)
    const product = await productName(trx, tenantId)
    await enqueueMessage(trx, {
      tenantId,
      kind: 'portal.invite',
      dedupeKey: `portal.invite:${row.id}`,
      recipient: email,
      subject: `You were invited to the ${product} customer portal`,
      body: [
        `You now have access to the ${product} customer portal for ${customer.name}:`,
        'licenses, machines, usage, offline files and billing.',
        '',
        `Sign in at ${input.loginUrl} with this email address;`,
        'we will email you a one-time code. No password needed.',
      ].join('\n'),
      now,
    })
    await recordAudit(trx, {
      tenantId,
      actor: input.actor,
      action: 'portal_user.invite',
      targetType: 'portal_user',
      targetId: row.id,
      after: { email, role: row.role, customerId },
      at: now,
    })
    return row
  })
}
