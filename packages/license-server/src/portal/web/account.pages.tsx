import type { FastifyInstance } from 'fastify'
import type { Fleet } from '../../deployments/fleet.js'
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
import { portalOrigin } from './portal-origin.js'
import { portalChrome } from './portal-chrome.js'
import { PortalLayout, type PortalChrome } from './portal-layout.js'
import { portalPrincipal } from './portal-principal.js'
import { when } from './format.js'

function Offline(p: { chrome: PortalChrome }): Html {
  return (
    <PortalLayout title="Offline files" chrome={p.chrome}>
      <h1>Offline and air-gapped machines</h1>
      <section class="card" aria-labelledby="rl">
        <h2 id="rl">Revocation list</h2>
        <p>
          Machines that never reach our server learn about revoked and suspended licenses from a
          signed revocation list. Download the current one and copy it to the machine (its settings
          name the file); it is signed, so it cannot be edited.
        </p>
        <p>
          <a class="button" href="/portal/offline/revocations.jws" download="revocations.jws">
            Download the revocation list
          </a>
        </p>
      </section>
      <section class="card" aria-labelledby="act">
        <h2 id="act">Offline activation</h2>
        <p class="muted">
          Activating a machine that has no network access (upload of an activation request, a signed
          machine file back) is not available on this server yet. Until then, use the license key or
          file from your license page; it verifies offline.
        </p>
      </section>
    </PortalLayout>
  )
}

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
    <PortalLayout title="Team" chrome={p.chrome}>
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
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.people.map((u) => (
              <tr data-email={u.email}>
                <td>{u.email}</td>
                <td>{u.role}</td>
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
 * Account pages: `GET /portal/offline` and `GET /portal/offline/revocations.jws` (the signed
 * revocation list), `GET /portal/team`, `POST /portal/team/invite`, `POST /portal/team/:id/remove`
 * (admins), `POST /portal/billing` (admins: redirect to the Stripe customer portal).
 *
 * @example
 * ```ts
 * await inner.register(accountPages, { fleet })
 * ```
 */
export function accountPages(app: FastifyInstance, opts: { fleet: Fleet }): Promise<void> {
  const { db, now } = app.tollgate
  const { fleet } = opts

  app.get('/offline', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    return sendPage(
      reply,
      <Offline chrome={await portalChrome(request, principal.tenantId, principal)} />,
    )
  })

  app.get('/offline/revocations.jws', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const key = await fleet.signer.activeKey(principal.tenantId)
    // The same cached, signed list GET /v1/revocations serves.
    const list = await fleet.revocations.list(principal.tenantId, key, {
      now: fleet.now(),
      ttlS: fleet.options.revocationListTtlS,
    })
    return reply
      .header('content-disposition', 'attachment; filename="revocations.jws"')
      .type('application/jose')
      .send(list.jws)
  })

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
        loginUrl: `${portalOrigin(request)}/portal/login`,
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

  app.post('/billing', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    const { url } = await openBillingPortal(app, principal, {
      returnUrl: `${portalOrigin(request)}/portal`,
    })
    return reply.redirect(url, 303)
  })
  return Promise.resolve()
}
