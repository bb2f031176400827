import { findCustomer } from '../customers/customer.repository.js'
import type { Db } from '../db/database.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { renderLicenseMessage } from '../outbox/license-message.js'
import { enqueueMessage } from '../outbox/outbox.repository.js'

/**
 * Queues the message that hands a license key to its buyer, in the caller's transaction.
 * `dedupeKey` makes re-running the same change harmless. No email on file: nothing queued.
 *
 * @example
 * ```ts
 * await queueLicenseDelivery(trx, license, token, { reason: 'issued', dedupeKey: `${license.id}:issued`, now })
 * ```
 */
export async function queueLicenseDelivery(
  db: Db,
  license: LicenseRow,
  token: string,
  opts: { reason: 'issued' | 'renewed' | 'updated'; dedupeKey: string; now: Date },
): Promise<boolean> {
  const customer = await findCustomer(db, license.tenant_id, license.customer_id)
  if (!customer?.email) return false
  const { subject, body } = renderLicenseMessage({
    customerName: customer.name,
    product: license.product,
    tier: license.tier,
    licenseId: license.id,
    token,
    expiresAt: license.expires_at,
    reason: opts.reason,
  })
  return enqueueMessage(db, {
    tenantId: license.tenant_id,
    kind: `license.${opts.reason}`,
    dedupeKey: opts.dedupeKey,
    recipient: customer.email,
    subject,
    body,
    licenseId: license.id,
    now: opts.now,
  })
}
