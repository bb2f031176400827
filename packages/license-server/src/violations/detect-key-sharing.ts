import type { LicensePolicy } from '@tollgate/license-client'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { AuditActor } from '../audit/audit-actor.js'
import type { Database } from '../db/database.js'
import { AppError } from '../errors/app-error.js'
import type { LicenseStatus } from '../licenses/license.table.js'
import type { LicensingDeps } from '../licenses/licensing-deps.js'
import { updateLicenseStatus } from '../licenses/update-license-status.js'
import { recordViolation } from './record-violation.js'
import { resolveKeySharingPolicy, type KeySharingDefaults } from './key-sharing-policy.js'

/** The actor of suspensions made by the detector (audit log). */
export const KEY_SHARING_ACTOR: AuditActor = { actor: 'system:key-sharing' }

/** One license found over its key-sharing limits. */
export interface KeySharingFinding {
  licenseId: string
  tenantId: string
  deployments: number
  addresses: number
  /** True when this run created the violation (false: an open one was bumped). */
  created: boolean
  /** True when this run suspended the license. */
  suspended: boolean
}

interface CountRow {
  id: string
  tenant_id: string
  status: LicenseStatus
  policy: LicensePolicy
  metadata: Record<string, unknown>
  deployments: string | number
  addresses: string | number
}

/**
 * Key-sharing detection for the given licenses: counts distinct deployments (any status,
 * refused activations included) and distinct source addresses seen within each license's
 * window, and for every license over a limit records a `key_sharing` violation (one per window:
 * repeats bump it) and, when its policy says `suspend`, suspends it — audited, in the same
 * transaction as the violation. Only a newly created violation suspends, so a license an admin
 * reinstated is not re-suspended by the same evidence.
 *
 * @example
 * ```ts
 * const findings = await detectKeySharing(db, ['lic_1'], { now: new Date(), defaults: DEFAULT_KEY_SHARING })
 * ```
 */
export async function detectKeySharing(
  db: Kysely<Database>,
  licenseIds: readonly string[],
  opts: {
    now: Date
    defaults: KeySharingDefaults
    /** The validation cache to drop a suspended license from (`app.tollgate.licenseCache`). */
    licenseCache?: LicensingDeps['licenseCache']
  },
): Promise<KeySharingFinding[]> {
  if (licenseIds.length === 0) return []
  const ids = [...new Set(licenseIds)]
  const rows = await countSightings(db, ids, opts.now, opts.defaults)
  const findings: KeySharingFinding[] = []
  for (const r of rows) {
    const policy = resolveKeySharingPolicy(r.policy, r.metadata, opts.defaults)
    const deployments = Number(r.deployments)
    const addresses = Number(r.addresses)
    const overDeployments = policy.maxDeployments > 0 && deployments > policy.maxDeployments
    const overAddresses = policy.maxAddresses > 0 && addresses > policy.maxAddresses
    if (!overDeployments && !overAddresses) continue
    const finding = await db.transaction().execute(async (trx) => {
      const { created } = await recordViolation(
        trx,
        {
          tenantId: r.tenant_id,
          licenseId: r.id,
          installId: null,
          kind: 'key_sharing',
          severity: 'high',
          source: 'server',
          details: { deployments, addresses, windowS: policy.windowS, limits: policy },
          address: null,
          now: opts.now,
        },
        policy.windowS * 1000,
      )
      let suspended = false
      if (created && policy.action === 'suspend' && r.status === 'active') {
        suspended = await suspendOnce(trx, r, {
          licenseCache: opts.licenseCache,
          reason: `Key sharing: ${deployments} deployments and ${addresses} addresses within ${policy.windowS} s`,
          now: opts.now,
        })
      }
      return { licenseId: r.id, tenantId: r.tenant_id, deployments, addresses, created, suspended }
    })
    findings.push(finding)
  }
  return findings
}

/** Suspends unless another instance (or an admin) changed the status first. */
async function suspendOnce(
  trx: Transaction<Database>,
  r: CountRow,
  opts: { reason: string; now: Date; licenseCache: LicensingDeps['licenseCache'] },
): Promise<boolean> {
  try {
    await updateLicenseStatus(
      trx,
      r.tenant_id,
      r.id,
      'suspend',
      { reason: opts.reason },
      KEY_SHARING_ACTOR,
      { now: () => opts.now, licenseCache: opts.licenseCache },
    )
    return true
  } catch (err) {
    // The row is locked and re-checked inside: losing that race is not an error.
    if (err instanceof AppError && err.code === 'INVALID_STATE_TRANSITION') return false
    throw err
  }
}

async function countSightings(
  db: Kysely<Database>,
  ids: string[],
  now: Date,
  defaults: KeySharingDefaults,
): Promise<CountRow[]> {
  const at = now.toISOString()
  // The window of each license comes from metadata.keySharing.windowS when it is a positive
  // integer (same rule as resolveKeySharingPolicy), else the default.
  const { rows } = await sql<CountRow>`
    with w as (
      select l.id, l.tenant_id, l.status, l.policy, l.metadata,
             ${at}::timestamptz - make_interval(secs => case
               when jsonb_typeof(l.metadata->'keySharing'->'windowS') = 'number'
                    and (l.metadata->'keySharing'->>'windowS')::float8 > 0
               then (l.metadata->'keySharing'->>'windowS')::float8
               else ${defaults.windowS}::float8 end) as cutoff
      from licenses l where l.id = any(${ids}::text[])
    )
    select w.id, w.tenant_id, w.status, w.policy, w.metadata,
      (select count(*) from deployments d where d.license_id = w.id and d.last_seen_at > w.cutoff)
        as deployments,
      (select count(*) from license_addresses a where a.license_id = w.id and a.last_seen_at > w.cutoff)
        as addresses
    from w
  `.execute(db)
  return rows
}
