import type { Kysely } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import { findBranding, upsertBranding } from './branding.repository.js'
import { normalizeEmail } from './portal-email.js'
import type { TenantBrandingRow } from './portal.table.js'

/** Branding as the API shows and takes it. */
export interface Branding {
  productName: string | null
  logoUrl: string | null
  supportEmail: string | null
}

/** Row to API object (unset tenant: all null). */
export function toBranding(row: TenantBrandingRow | undefined): Branding {
  return {
    productName: row?.product_name ?? null,
    logoUrl: row?.logo_url ?? null,
    supportEmail: row?.support_email ?? null,
  }
}

/**
 * A logo URL the portal may put in an `<img>`: https (http only for a loopback host, for local
 * trials), no credentials, at most 2048 characters. Returns the normalised URL.
 */
export function checkLogoUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new AppError('VALIDATION_FAILED', 'logoUrl is not a URL')
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new AppError('VALIDATION_FAILED', 'logoUrl must be an https URL')
  }
  if (url.username || url.password) {
    throw new AppError('VALIDATION_FAILED', 'logoUrl must not carry credentials')
  }
  return url.href
}

/**
 * Sets the tenant's portal branding (product name, logo URL, support email); a null field
 * clears it. Audited as `portal.branding.update` with before/after.
 *
 * @example
 * ```ts
 * await setBranding(db, tenantId, { productName: 'Acme Analytics', logoUrl: 'https://acme.example/logo.svg', supportEmail: 'help@acme.example' }, actor, now)
 * ```
 */
export async function setBranding(
  db: Kysely<Database>,
  tenantId: string,
  input: Branding,
  actor: AuditActor,
  now: Date,
): Promise<Branding> {
  const supportEmail =
    input.supportEmail === null ? null : (normalizeEmail(input.supportEmail) ?? null)
  if (input.supportEmail !== null && supportEmail === null) {
    throw new AppError('VALIDATION_FAILED', 'supportEmail is not an email address')
  }
  const productName = input.productName === null ? null : input.productName.trim() || null
  const logoUrl = input.logoUrl === null ? null : checkLogoUrl(input.logoUrl)
  return db.transaction().execute(async (trx) => {
    const before = toBranding(await findBranding(trx, tenantId))
    const row = await upsertBranding(trx, {
      tenant_id: tenantId,
      product_name: productName,
      logo_url: logoUrl,
      support_email: supportEmail,
      updated_at: now,
    })
    const after = toBranding(row)
    await recordAudit(trx, {
      tenantId,
      actor,
      action: 'portal.branding.update',
      targetType: 'tenant',
      targetId: tenantId,
      before,
      after,
      at: now,
    })
    return after
  })
}
