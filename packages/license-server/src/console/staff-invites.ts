import { randomBytes } from 'node:crypto'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { sha256Hex } from '../lib/hash.js'
import { newId } from '../lib/ids.js'
import { PageError } from '../web/page-error.js'
import type { StaffRole } from './roles.js'
import { findInviteByHash, findStaffByEmail } from './staff.repository.js'
import type { StaffInviteRow } from './staff.table.js'

/** Invitations and setup links are valid this long. */
export const INVITE_TTL_MS = 7 * 86_400_000

/**
 * Creates a one-time invitation link token for `role` (email null: the first-owner setup link).
 *
 * @example
 * ```ts
 * const { token } = await createInvite(trx, { tenantId, email: 'sam@vendor.test', role: 'support', actor, now })
 * ```
 */
export async function createInvite(
  trx: Db,
  i: { tenantId: string; email: string | null; role: StaffRole; actor: AuditActor; now: Date },
): Promise<{ token: string; invite: StaffInviteRow }> {
  if (i.email !== null && (await findStaffByEmail(trx, i.email))) {
    throw new PageError('CONFLICT', 'That email already has a staff account on this server')
  }
  const token = randomBytes(24).toString('base64url')
  const invite: StaffInviteRow = {
    id: newId('inv'),
    tenant_id: i.tenantId,
    email: i.email,
    role: i.role,
    token_hash: sha256Hex(token),
    expires_at: new Date(i.now.getTime() + INVITE_TTL_MS),
    used_at: null,
    created_by: i.actor.actor,
    created_at: i.now,
  }
  await trx.insertInto('staff_invites').values(invite).execute()
  await recordAudit(trx, {
    tenantId: i.tenantId,
    actor: i.actor,
    action: 'staff.invite',
    targetType: 'staff_invite',
    targetId: invite.id,
    after: { email: i.email, role: i.role, expiresAt: invite.expires_at.toISOString() },
    at: i.now,
  })
  return { token, invite }
}

/**
 * The open invitation of a token, or NOT_FOUND (unknown, used or expired look the same).
 *
 * @example
 * ```ts
 * const invite = await openInvite(db, token, now)
 * ```
 */
export async function openInvite(
  db: Db,
  token: string,
  now: Date,
  opts: { forUpdate?: boolean } = {},
): Promise<StaffInviteRow> {
  const invite = /^[A-Za-z0-9_-]{32}$/.test(token)
    ? await findInviteByHash(db, sha256Hex(token), opts)
    : undefined
  if (!invite || invite.used_at !== null || invite.expires_at <= now) {
    throw new PageError('NOT_FOUND', 'This link is not valid any more. Ask for a new invitation.')
  }
  return invite
}

/**
 * At start-up: when the tenant has no staff yet, a fresh first-owner setup link (older unused
 * ones stop working). Returns its token, or undefined when an owner exists.
 *
 * @example
 * ```ts
 * const token = await ensureSetupLink(db, tenantId, new Date())
 * if (token) print(`${publicUrl}/console/setup/${token}`)
 * ```
 */
export async function ensureSetupLink(
  trx: Db,
  tenantId: string,
  now: Date,
): Promise<string | undefined> {
  const any = await trx
    .selectFrom('staff_accounts')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .limit(1)
    .executeTakeFirst()
  if (any) return undefined
  await trx
    .updateTable('staff_invites')
    .set({ expires_at: now })
    .where('tenant_id', '=', tenantId)
    .where('email', 'is', null)
    .where('used_at', 'is', null)
    .execute()
  const { token } = await createInvite(trx, {
    tenantId,
    email: null,
    role: 'owner',
    actor: { actor: 'system' },
    now,
  })
  return token
}
