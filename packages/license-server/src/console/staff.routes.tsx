import type { FastifyInstance, FastifyRequest } from 'fastify'
import { expectedOrigin } from '../web/csrf.js'
import { FormReader } from '../web/form-reader.js'
import { PageError } from '../web/page-error.js'
import { Fragment, h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, can, requireStaffScope } from './console-context.js'
import { ConsolePage, Field } from './console-layout.js'
import { grantableRoles, STAFF_ROLES, type StaffRole } from './roles.js'
import { listOpenInvites, listStaff } from './staff.repository.js'
import { inviteStaff } from './invite-staff.js'
import { updateStaffAccess } from './staff.service.js'

/**
 * Staff pages: members and open invitations; owners and admins (`staff:admin`) invite, change
 * roles and disable members (audited; the last owner cannot be removed).
 *
 * @example
 * ```ts
 * await inner.register(consoleStaffRoutes)
 * ```
 */
export function consoleStaffRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  const page = async (
    request: FastifyRequest,
    extra?: {
      link?: string
      errors?: Readonly<Record<string, string>>
      email?: string | undefined
    },
  ) => {
    const tenantId = request.staff.tenant_id
    const staff = await listStaff(db, tenantId)
    const invites = await listOpenInvites(db, tenantId, now())
    const admin = can(request, 'staff:admin')
    const roles = grantableRoles(request.staff.role)
    return (
      <ConsolePage request={request} title="Staff" current="/console/staff">
        <h1>Staff</h1>
        {extra?.link ? (
          <div class="alert ok" role="status">
            <p>Invitation created. Send this one-time link to the person (valid 7 days):</p>
            <p>
              <code id="invite-link">{extra.link}</code>{' '}
              <button type="button" class="secondary" data-copy="invite-link">
                Copy
              </button>
            </p>
          </div>
        ) : null}
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">State</th>
                {admin ? <th scope="col">Change</th> : null}
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr>
                  <td>{s.name}</td>
                  <td>{s.email}</td>
                  <td>{s.role}</td>
                  <td>{s.disabled_at ? 'disabled' : 'active'}</td>
                  {admin ? (
                    <td>
                      {s.id !== request.staff.id &&
                      (s.role !== 'owner' || request.staff.role === 'owner') ? (
                        <div class="actions">
                          <form method="post" action={`/console/staff/${s.id}/role`} class="inline">
                            <CsrfField token={request.web.csrfToken} />
                            <label class="check">
                              <span class="muted">Role</span>
                              <select name="role">
                                {roles.map((r) => (
                                  <option value={r} selected={r === s.role}>
                                    {r}
                                  </option>
                                ))}
                              </select>
                            </label>
                            <button type="submit" class="secondary">
                              Save
                            </button>
                          </form>
                          <form
                            method="post"
                            action={`/console/staff/${s.id}/${s.disabled_at ? 'enable' : 'disable'}`}
                            class="inline"
                            data-confirm={
                              s.disabled_at
                                ? undefined
                                : `Disable ${s.name}? Their sessions end now.`
                            }
                          >
                            <CsrfField token={request.web.csrfToken} />
                            <button type="submit" class={s.disabled_at ? 'secondary' : 'danger'}>
                              {s.disabled_at ? 'Enable' : 'Disable'}
                            </button>
                          </form>
                        </div>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {invites.length > 0 ? (
          <>
            <h2>Open invitations</h2>
            <ul>
              {invites.map((i) => (
                <li>
                  {i.email ?? 'first owner setup'} · {i.role} · expires{' '}
                  {i.expires_at.toISOString().slice(0, 10)}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {admin ? (
          <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">Invite a member</h2>
            <FormErrors fields={extra?.errors} />
            <form method="post" action="/console/staff/invite" class="stack">
              <CsrfField token={request.web.csrfToken} />
              <Field
                label="Email"
                name="email"
                type="email"
                value={extra?.email}
                error={extra?.errors?.email}
                required
              />
              <label>
                Role
                <select name="role">
                  {roles.map((r) => (
                    <option value={r} selected={r === 'support'}>
                      {r}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit">Create invitation link</button>
            </form>
          </section>
        ) : null}
      </ConsolePage>
    )
  }

  app.get('/staff', async (request, reply) => {
    requireStaffScope(request, 'customers:read')
    return sendPage(reply, await page(request))
  })

  app.post('/staff/invite', async (request, reply) => {
    requireStaffScope(request, 'staff:admin')
    const f = new FormReader(request.body)
    const email = f.email('email', { label: 'Email' })
    const role = f.choice('role', grantableRoles(request.staff.role), { label: 'Role' })
    if (Object.keys(f.errors).length > 0) {
      return sendPage(reply, await page(request, { errors: f.errors, email }), 400)
    }
    const { path } = await db.transaction().execute((trx) =>
      inviteStaff(trx, {
        tenantId: request.staff.tenant_id,
        email,
        role,
        grantable: grantableRoles(request.staff.role),
        actor: actorOf(request),
        now: now(),
      }),
    )
    return sendPage(reply, await page(request, { link: `${expectedOrigin(request)}${path}` }))
  })

  app.post<{ Params: { id: string; change: string } }>(
    '/staff/:id/:change',
    async (request, reply) => {
      requireStaffScope(request, 'staff:admin')
      const { id, change } = request.params
      const by = { role: request.staff.role, actor: actorOf(request) }
      let patch: { role?: StaffRole; disabled?: boolean }
      if (change === 'role') {
        const f = new FormReader(request.body)
        const role = f.choice('role', STAFF_ROLES, { label: 'Role' })
        f.done()
        if (!grantableRoles(request.staff.role).includes(role)) {
          throw new PageError('FORBIDDEN', 'You cannot grant that role')
        }
        patch = { role }
      } else if (change === 'disable' || change === 'enable') {
        patch = { disabled: change === 'disable' }
      } else {
        throw new PageError('NOT_FOUND', 'No such change')
      }
      await db
        .transaction()
        .execute((trx) => updateStaffAccess(trx, request.staff.tenant_id, id, patch, by, now()))
      return reply.redirect('/console/staff', 303)
    },
  )
  return Promise.resolve()
}
