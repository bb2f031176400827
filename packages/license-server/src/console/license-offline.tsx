import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { listOfflineActivations } from '../offline-activation/offline-activation.repository.js'
import type { OfflineActivationRow } from '../offline-activation/offline-activation.table.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { can } from './console-context.js'
import { RecordTable, when } from './records.js'

/** Machine files shown at most, newest first. */
const MAX_SHOWN = 100

/** Where a machine file stands: deactivated (proof brought back) wins, then its validity. */
function statusOf(row: OfflineActivationRow, now: Date): 'active' | 'expired' | 'deactivated' {
  if (row.deactivated_at !== null) return 'deactivated'
  return row.expires_at > now ? 'active' : 'expired'
}

/** A short fingerprint: the start of the machine id (never the deployment key or nonce). */
function fingerprintSummary(row: OfflineActivationRow): string {
  const machine = row.machine_id.length > 12 ? `${row.machine_id.slice(0, 12)}…` : row.machine_id
  return `machine ${machine} · deployment ${row.install_id}`
}

/**
 * The "Offline activations" section of a license page (fleet:read): the machine files issued
 * for air-gapped machines — fingerprint summary, app version, validity and status (active,
 * expired, deactivated). Read-only: files are issued and deactivated through the API, the CLI
 * or the portal. Null when the member cannot read the fleet.
 *
 * @example
 * ```tsx
 * const offline = await licenseOfflineSection(db, request, license, now)
 * ```
 */
export async function licenseOfflineSection(
  db: Db,
  request: FastifyRequest,
  license: LicenseRow,
  now: Date,
): Promise<Html | null> {
  if (!can(request, 'fleet:read')) return null
  const rows = await listOfflineActivations(db, license.tenant_id, license.id, MAX_SHOWN)
  return (
    <section aria-labelledby="offline-title" id="offline-activations">
      <h2 id="offline-title">Offline activations</h2>
      <RecordTable
        caption="Machine files issued"
        id="offline-activation-list"
        head={['Fingerprint', 'App version', 'Issued', 'Valid until', 'Status']}
        rows={rows.map((r) => {
          const status = statusOf(r, now)
          return [
            <span class="mono">{fingerprintSummary(r)}</span>,
            r.app_version ?? '—',
            when(r.issued_at),
            when(r.expires_at),
            <span class={`badge ${status}`}>
              {status === 'deactivated' ? `deactivated ${when(r.deactivated_at)}` : status}
            </span>,
          ]
        })}
      />
    </section>
  )
}
