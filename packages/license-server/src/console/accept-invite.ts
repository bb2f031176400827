import type { Db } from '../db/database.js'
import { recordAudit } from '../audit/record-audit.js'
import { newId } from '../lib/ids.js'
import { toJson } from '../lib/json.js'
import { seal } from '../lib/secret-box.js'
import { PageError } from '../web/page-error.js'
import { findStaffByEmail, insertStaff } from './staff.repository.js'
import { openInvite } from './staff-invites.js'
import { staffActor, staffView } from './staff-view.js'
import type { StaffAccountRow } from './staff.table.js'

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
