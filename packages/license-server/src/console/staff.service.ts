import { randomBytes } from 'node:crypto'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { sha256Hex } from '../lib/hash.js'
import { newId } from '../lib/ids.js'
import { toJson } from '../lib/json.js'
import { seal } from '../lib/secret-box.js'
import { PageError } from '../web/page-error.js'
import type { StaffRole } from './roles.js'
import {
  countActiveOwners,
  findInviteByHash,
  findStaff,
  findStaffByEmail,
  insertStaff,
  updateStaff,
} from './staff.repository.js'
import type { StaffAccountRow, StaffInviteRow } from './staff.table.js'

/** Invitations and setup links are valid this long. */
export const INVITE_TTL_MS = 7 * 86_400_000

/** The audit actor of a staff member. */
export function staffActor(staffId: string, request?: { id: string; ip: string }): AuditActor {
  return { actor: `staff:${staffId}`, requestId: request?.id ?? null, ip: request?.ip ?? null }
}

/** What the audit log keeps of an account (never secrets). */
export function staffView(row: StaffAccountRow): Record<string, unknown> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    disabled: row.disabled_at !== null,
  }
}

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
 * Accepts an invitation: creates the account with a password and a TOTP secret (the caller has
 * checked a code against it) and uses the invitation up. Audited with the new member as actor.
 *
 * @example
 * ```ts
 * const staff = await acceptInvite(trx, { token, email, name, passwordHash, totpSecret, totpStep, recoveryHashes, masterKey, now, request })
 * ```
 */
export async function acceptInvite(
  trx: Db,
  a: {
    token: string
    email: string
    name: string
    passwordHash: string
    totpSecret: string
    totpStep: number
    recoveryHashes: string[]
    masterKey: Buffer
    now: Date
    request: { id: string; ip: string }
  },
): Promise<StaffAccountRow> {
  const invite = await openInvite(trx, a.token, a.now, { forUpdate: true })
  const email = (invite.email ?? a.email).toLowerCase()
  if (await findStaffByEmail(trx, email)) {
    throw new PageError('BAD_INPUT', undefined, {
      fields: { email: 'That email already has a staff account on this server' },
    })
  }
  const id = newId('stf')
  const row: StaffAccountRow = {
    id,
    tenant_id: invite.tenant_id,
    email,
    name: a.name,
    role: invite.role,
    password_hash: a.passwordHash,
    totp_secret_sealed: seal(a.masterKey, a.totpSecret, `staff-totp:${id}`),
    totp_last_step: a.totpStep,
    recovery_code_hashes: a.recoveryHashes,
    disabled_at: null,
    last_login_at: a.now,
    created_at: a.now,
    updated_at: a.now,
  }
  await insertStaff(trx, { ...row, recovery_code_hashes: toJson(row.recovery_code_hashes) })
  await trx
    .updateTable('staff_invites')
    .set({ used_at: a.now })
    .where('id', '=', invite.id)
    .execute()
  await recordAudit(trx, {
    tenantId: invite.tenant_id,
    actor: staffActor(id, a.request),
    action: 'staff.create',
    targetType: 'staff',
    targetId: id,
    after: { ...staffView(row), invite: invite.id },
    at: a.now,
  })
  return row
}

/**
 * Changes a member's role or disables/enables them. Never leaves the tenant without an enabled
 * owner; only owners touch owners.
 *
 * @example
 * ```ts
 * await updateStaffAccess(trx, tenantId, id, { role: 'sales' }, { role: 'owner', actor }, now)
 * ```
 */
export async function updateStaffAccess(
  trx: Db,
  tenantId: string,
  id: string,
  change: { role?: StaffRole; disabled?: boolean },
  by: { role: StaffRole; actor: AuditActor },
  now: Date,
): Promise<StaffAccountRow> {
  const before = await findStaff(trx, tenantId, id, { forUpdate: true })
  if (!before) throw new AppError('NOT_FOUND', 'No such staff member')
  if ((before.role === 'owner' || change.role === 'owner') && by.role !== 'owner') {
    throw new PageError('FORBIDDEN', 'Only an owner can change an owner')
  }
  const role = change.role ?? before.role
  const disabledAt =
    change.disabled === undefined ? before.disabled_at : change.disabled ? now : null
  await updateStaff(trx, tenantId, id, { role, disabled_at: disabledAt, updated_at: now })
  if (before.role === 'owner' && (await countActiveOwners(trx, tenantId)) === 0) {
    throw new PageError('CONFLICT', 'The tenant must keep at least one enabled owner')
  }
  const after = { ...before, role, disabled_at: disabledAt }
  await recordAudit(trx, {
    tenantId,
    actor: by.actor,
    action:
      change.disabled === true
        ? 'staff.disable'
        : change.disabled === false
          ? 'staff.enable'
          : 'staff.role',
    targetType: 'staff',
    targetId: id,
    before: staffView(before),
    after: staffView(after),
    at: now,
  })
  if (disabledAt !== null) {
    await trx
      .deleteFrom('web_sessions')
      .where('realm', '=', 'staff')
      .where('subject_id', '=', id)
      .execute()
  }
  return after
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
