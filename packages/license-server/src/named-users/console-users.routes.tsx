import type { FastifyInstance } from 'fastify'
import { requireStaffScope } from '../console/console-context.js'
import { ConsolePage } from '../console/console-layout.js'
import { RecordTable, when } from '../console/records.js'
import { findLicense } from '../licenses/license.repository.js'
import { h } from '../web/jsx.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { countLicenseUsers, listLicenseUsers } from './named-user.repository.js'
import { maxUsersOf } from './named-user.view.js'

const PAGE_SIZE = 100
const HASH = /^[0-9a-f]{64}$/
const LICENSE_ID = /^lic_[0-9a-z]{1,60}$/

/**
 * Console page `/console/licenses/:id/users` (licenses:read): the named users of a license —
 * hashed ids only, when each was assigned, the count against `maxUsers` — in pages by hash.
 * Releasing is done through the API or `tollgate user release` (audited there).
 *
 * @example
 * ```ts
 * await inner.register(consoleNamedUserRoutes)
 * ```
 */
export function consoleNamedUserRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.tollgate
  app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
    '/licenses/:id/users',
    async (request, reply) => {
      requireStaffScope(request, 'licenses:read')
      const id = String(request.params.id)
      const rawAfter = typeof request.query.after === 'string' ? request.query.after : ''
      if (rawAfter !== '' && !HASH.test(rawAfter)) {
        throw new PageError('BAD_INPUT', 'The page link is not valid')
      }
      const license = LICENSE_ID.test(id)
        ? await findLicense(db, request.staff.tenant_id, id)
        : undefined
      if (!license) throw new PageError('NOT_FOUND', 'No such license')
      const rows = await listLicenseUsers(db, license.tenant_id, license.id, {
        limit: PAGE_SIZE,
        after: rawAfter || undefined,
      })
      const items = rows.slice(0, PAGE_SIZE)
      const used = await countLicenseUsers(db, license.id)
      const max = maxUsersOf(license.limits)
      const next = rows.length > PAGE_SIZE ? items[items.length - 1]!.user_hash : undefined
      const base = `/console/licenses/${encodeURIComponent(license.id)}`
      return sendPage(
        reply,
        <ConsolePage
          request={request}
          title={`Named users of ${license.id}`}
          current="/console/licenses"
        >
          <h1>Named users</h1>
          <p>
            License <a href={base}>{license.id}</a>: {String(used)} of{' '}
            {max === 0 ? 'unlimited' : String(max)} named users. Only salted hashes of the app's
            user ids are stored.
          </p>
          <RecordTable
            caption="Assigned users"
            id="named-users"
            head={['User hash', 'Assigned']}
            rows={items.map((u) => [<span class="mono">{u.user_hash}</span>, when(u.assigned_at)])}
          />
          {next ? (
            <p class="pager">
              <a href={`${base}/users?after=${next}`}>More users</a>
            </p>
          ) : null}
        </ConsolePage>,
      )
    },
  )
  return Promise.resolve()
}
