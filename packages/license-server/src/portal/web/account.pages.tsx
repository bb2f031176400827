import type { FastifyInstance } from 'fastify'
import { AppError } from '../../errors/app-error.js'
import type { Html } from '../../web/html.js'
import { h } from '../../web/jsx.js'
import { CsrfField, FormErrors } from '../../web/layout.js'
import { PageError } from '../../web/page-error.js'
import { sendPage } from '../../web/web-scope.js'
import { invitePortalUser } from '../invite-portal-user.js'
import { updatePortalUserAccess } from '../manage-portal-user.js'
import { openBillingPortal } from '../open-billing-portal.js'
import { portalActor } from '../portal-actor.js'
import { listPortalUsers } from '../portal-user.repository.js'
import type { PortalUserRow } from '../portal.table.js'
import { requirePortalAdmin } from '../require-customer-user.js'
import { requestOrigin } from '../request-origin.js'
import { portalChrome } from './portal-chrome.js'
import { PortalLayout, type PortalChrome } from './portal-layout.js'
import { portalPrincipal } from './portal-principal.js'
import { when } from './format.js'

function Team(p: {
  chrome: PortalChrome
  people: PortalUserRow[]
  error?: string
  notice?: string
}): Html {
  const me = p.chrome.principal
  const admin = me?.kind === 'user' && me.role === 'admin'
  const csrf = p.chrome.csrfToken
  return (
    <PortalLayout title="Team" chrome={p.chrome} current="/portal/team">
      <h1>Team</h1>
      {p.notice ? (
        <p class="alert ok" role="status">
          {p.notice}
        </p>
      ) : null}
      <FormErrors message={p.error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.people.map((u) => (
              <tr data-email={u.email}>
                <td>{u.email}</td>
                <td>
                  {admin && u.status !== 'disabled' ? (
                    <form method="post" action={`/portal/team/${u.id}/role`} class="inline">
                      <CsrfField token={csrf} />
                      <select id={`role-${u.id}`} name="role" aria-label={`Role of ${u.email}`}>
                        <option value="member" selected={u.role === 'member'}>
                          Member
                        </option>
                        <option value="admin" selected={u.role === 'admin'}>
                          Admin
                        </option>
                      </select>
                      <button type="submit">Change role</button>
                    </form>
                  ) : (
                    u.role
                  )}
                </td>
                <td>{u.status}</td>
                <td>{when(u.last_login_at) ?? 'Never'}</td>
                <td>
                  {admin && me.userId !== u.id && u.status !== 'disabled' ? (
                    <form method="post" action={`/portal/team/${u.id}/remove`} class="inline">
                      <CsrfField token={csrf} />
                      <button type="submit" class="danger">
                        Remove
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin ? (
        <section class="card narrow" aria-labelledby="inv">
          <h2 id="inv">Invite a colleague</h2>
          <form method="post" action="/portal/team/invite" class="stack">
            <CsrfField token={csrf} />
            <label for="invite-email">Email</label>
            <input id="invite-email" name="email" type="email" required maxlength={254} />
            <label for="invite-role">Role</label>
            <select id="invite-role" name="role">
              <option value="member">Member (licenses, machines, files)</option>
              <option value="admin">Admin (also team and billing)</option>
            </select>
            <button type="submit">Send invitation</button>
          </form>
        </section>
      ) : (
        <p class="muted">Ask an admin of your account to invite colleagues.</p>
      )}
    </PortalLayout>
  )
}

/**
 * Account pages (the offline page is `offline.pages.tsx`): `GET /portal/team`, `POST /portal/team/invite`, `POST /portal/team/:id/remove`
 * (admins), `POST /portal/billing` (admins: redirect to the Stripe customer portal).
 *
 * @example
 * ```ts
 * await inner.register(accountPages)
 * ```
 */
export function accountPages(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  const teamPage = async (
    request: Parameters<typeof portalPrincipal>[0],
    reply: Parameters<typeof portalPrincipal>[1],
    extra: { error?: string; notice?: string } = {},
    status = 200,
  ) => {
    const principal = await portalPrincipal(request, reply)
    const [people, chrome] = await Promise.all([
      listPortalUsers(db, principal.tenantId, principal.customerId),
      portalChrome(request, principal.tenantId, principal),
    ])
    return sendPage(reply, <Team chrome={chrome} people={people} {...extra} />, status)
  }

  app.get('/team', (request, reply) => teamPage(request, reply))

  app.post('/team/invite', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    requirePortalAdmin(principal)
    const body = (request.body ?? {}) as Record<string, unknown>
    const role = body.role === 'admin' ? 'admin' : 'member'
    try {
      const user = await invitePortalUser(db, {
        tenantId: principal.tenantId,
        customerId: principal.customerId,
        email: body.email,
        role,
        loginUrl: `${requestOrigin(request)}/portal/login`,
        actor: portalActor(principal, { requestId: request.id, ip: request.ip }),
        now: now(),
      })
      void app.billing.deliver().catch(() => undefined)
      return teamPage(request, reply, { notice: `Invitation sent to ${user.email}.` })
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err
      return teamPage(request, reply, { error: err.message }, err.statusCode)
    }
  })

  app.post('/team/:id/remove', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    requirePortalAdmin(principal)
    const id = (request.params as { id: string }).id
    if (id === principal.userId) throw new PageError('CONFLICT', 'You cannot remove yourself')
    try {
      await updatePortalUserAccess(db, {
        tenantId: principal.tenantId,
        customerId: principal.customerId,
        userId: id,
        change: { status: 'disabled' },
        actor: portalActor(principal, { requestId: request.id, ip: request.ip }),
        now: now(),
      })
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500 || err.code === 'NOT_FOUND') throw err
      return teamPage(request, reply, { error: err.message }, err.statusCode)
    }
    return reply.redirect('/portal/team', 303)
  })

  // Role changes go through the same service as removals: the last admin cannot be demoted
  // (CONFLICT, shown on the page), and every change is audited with the person as actor.
  app.post('/team/:id/role', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    requirePortalAdmin(principal)
    const id = (request.params as { id: string }).id
    const role = (request.body as Record<string, unknown> | undefined)?.role
    if (role !== 'admin' && role !== 'member') {
      return teamPage(request, reply, { error: 'Choose the role admin or member' }, 400)
    }
    try {
      const user = await updatePortalUserAccess(db, {
        tenantId: principal.tenantId,
        customerId: principal.customerId,
        userId: id,
        change: { role },
        actor: portalActor(principal, { requestId: request.id, ip: request.ip }),
        now: now(),
      })
      return teamPage(request, reply, {
        notice: `${user.email} is now ${role === 'admin' ? 'an admin' : 'a member'}.`,
      })
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500 || err.code === 'NOT_FOUND') throw err
      return teamPage(request, reply, { error: err.message }, err.statusCode)
    }
  })

  app.post('/billing', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const { url } = await openBillingPortal(app, principal, {
      returnUrl: `${requestOrigin(request)}/portal`,
    })
    return reply.redirect(url, 303)
  })
  return Promise.resolve()
}
