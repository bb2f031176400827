import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { Database, Db } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { sha256Hex } from '../lib/hash.js'
import { newId } from '../lib/ids.js'
import { SUPPORT_LINK_TTL_MS } from './portal.config.js'
import type { PortalSupportLinkRow } from './portal.table.js'

/** Path prefix of support links; the secret follows it. */
export const SUPPORT_LINK_PATH = '/portal/support/'

/** A created link: the secret URL is shown this once. */
export interface CreatedSupportLink {
  id: string
  customerId: string
  url: string
  expiresAt: Date
}

/**
 * Creates a one-time sign-in link into a customer's portal for staff ("see what the customer
 * sees"), valid 10 minutes. Only the SHA-256 of its secret is stored. Audited as
 * `portal.support_link.create`; another tenant's customer is NOT_FOUND.
 *
 * @example
 * ```ts
 * const link = await createSupportLink(db, { tenantId, customerId, baseUrl: 'https://lic.vendor.example', actor, now })
 * ```
 */
export async function createSupportLink(
  db: Kysely<Database>,
  input: { tenantId: string; customerId: string; baseUrl: string; actor: AuditActor; now: Date },
): Promise<CreatedSupportLink> {
  const { tenantId, customerId, now } = input
  const secret = randomBytes(32).toString('base64url')
  const id = newId('psl')
  const expiresAt = new Date(now.getTime() + SUPPORT_LINK_TTL_MS)
  await db.transaction().execute(async (trx) => {
    if (!(await findCustomer(trx, tenantId, customerId))) {
      throw new AppError('NOT_FOUND', `No customer ${customerId}`)
    }
    await trx
      .insertInto('portal_support_links')
      .values({
        id,
        tenant_id: tenantId,
        customer_id: customerId,
        token_hash: sha256Hex(secret),
        created_by: input.actor.actor,
        created_at: now,
        expires_at: expiresAt,
        used_at: null,
        used_ip: null,
      })
      .execute()
    await recordAudit(trx, {
      tenantId,
      actor: input.actor,
      action: 'portal.support_link.create',
      targetType: 'customer',
      targetId: customerId,
      after: { linkId: id, expiresAt: expiresAt.toISOString() },
      at: now,
    })
  })
  const base = input.baseUrl.replace(/\/+$/, '')
  return { id, customerId, url: `${base}${SUPPORT_LINK_PATH}${secret}`, expiresAt }
}

/**
 * Spends a support link: the first use within its 10 minutes wins (a conditional update, so
 * two tabs cannot both use it); later, expired or unknown links are SUPPORT_LINK_INVALID.
 * Audited as `portal.support_link.use`, which the customer sees on their portal.
 *
 * @example
 * ```ts
 * const link = await redeemSupportLink(db, { secret, now, ip: req.ip, requestId: req.id })
 * ```
 */
export async function redeemSupportLink(
  db: Kysely<Database>,
  input: { secret: string; now: Date; ip?: string; requestId?: string },
): Promise<PortalSupportLinkRow> {
  const { now } = input
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(input.secret)) throw new AppError('SUPPORT_LINK_INVALID')
  return db.transaction().execute(async (trx) => {
    const link = await trx
      .updateTable('portal_support_links')
      .set({ used_at: now, used_ip: input.ip ?? null })
      .where('token_hash', '=', sha256Hex(input.secret))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst()
    if (!link) throw new AppError('SUPPORT_LINK_INVALID')
    await recordAudit(trx, {
      tenantId: link.tenant_id,
      actor: {
        actor: `support:${link.id}`,
        requestId: input.requestId ?? null,
        ip: input.ip ?? null,
      },
      action: 'portal.support_link.use',
      targetType: 'customer',
      targetId: link.customer_id,
      after: { linkId: link.id, createdBy: link.created_by },
      at: now,
    })
    return link
  })
}

/**
 * Support links used on a customer's account, newest first: the portal shows them so the
 * customer knows when the vendor's staff looked.
 *
 * @example
 * ```ts
 * const visits = await listSupportVisits(db, tenantId, customerId, 20)
 * ```
 */
export function listSupportVisits(
  db: Db,
  tenantId: string,
  customerId: string,
  limit: number,
): Promise<PortalSupportLinkRow[]> {
  return db
    .selectFrom('portal_support_links')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('customer_id', '=', customerId)
    .where('used_at', 'is not', null)
    .orderBy('used_at', 'desc')
    .limit(limit)
    .execute()
}
