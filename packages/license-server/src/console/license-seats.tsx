import type { FastifyRequest } from 'fastify'
import type { Db } from '../db/database.js'
import type { LicenseRow } from '../licenses/license.table.js'
import { listHeldLeases } from '../seats/seat-lease.repository.js'
import { seatLimit } from '../seats/seat-limit.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { CsrfField } from '../web/layout.js'
import { can } from './console-context.js'
import { FloatingSeatsSummary, floatingSeatsOf } from './floating-seats-section.js'
import { RecordTable, when } from './records.js'

/** Held leases shown at most (the admin API lists up to 1000; a page shows the first 200). */
const MAX_SHOWN = 200

/**
 * The "Floating seats" section of a license page (fleet:read): the held, unexpired seat leases
 * (scope, holder, expiry) with the count against the plan's seats, and — for roles with
 * fleet:write, the scope of the admin API's release — a release form per lease asking for a
 * confirmation tick and a reason. Null when the member cannot read the fleet or the plan has
 * no floating seats.
 *
 * @example
 * ```tsx
 * const seats = await licenseSeatsSection(db, request, license, now)
 * return <div>{seats}</div>
 * ```
 */
export async function licenseSeatsSection(
  db: Db,
  request: FastifyRequest,
  license: LicenseRow,
  now: Date,
): Promise<Html | null> {
  const floating = license.policy.floating
  if (!floating || !can(request, 'fleet:read')) return null
  const rows = await listHeldLeases(db, license.tenant_id, license.id, now, MAX_SHOWN)
  // Same counts as the admin seat list, relay pools included (seat-pools/pool-hold.ts).
  const summary = await floatingSeatsOf(db, license, now)
  const canRelease = can(request, 'fleet:write')
  const csrf = request.web.csrfToken
  const head = ['Scope', 'Holder', 'Checked out', 'Expires']
  return (
    <section aria-labelledby="floating-title" id="floating">
      <h2 id="floating-title">Floating seats</h2>
      {summary ? <FloatingSeatsSummary seats={summary} /> : null}
      <p>
        {seatLimit(floating) > floating.seats ? `Overage up to ${seatLimit(floating)} seats. ` : ''}
        An unrenewed lease frees itself when it expires.
      </p>
      <RecordTable
        caption="Held seat leases"
        id="seat-leases"
        head={canRelease ? [...head, 'Release'] : head}
        rows={rows.map((l) => {
          const cells = [
            <span class="mono">{l.scope}</span>,
            <span>
              {l.deployment_id ?? '—'}
              {l.address ? ` from ${l.address}` : ''}
              {l.overage ? ' (overage)' : ''}
            </span>,
            when(l.checked_out_at),
            when(l.expires_at),
          ]
          if (!canRelease) return cells
          return [
            ...cells,
            <form
              method="post"
              action={`/console/licenses/${license.id}/seats/${l.id}/release`}
              class="inline stack"
              data-confirm="Release this seat? Its holder loses it at its next renewal."
            >
              <CsrfField token={csrf} />
              <label>
                Reason
                <input type="text" name="reason" maxlength={500} required />
              </label>
              <label class="check">
                <input type="checkbox" name="confirm" value="yes" required /> I confirm
              </label>
              <button type="submit" class="danger">
                Release seat
              </button>
            </form>,
          ]
        })}
      />
    </section>
  )
}
