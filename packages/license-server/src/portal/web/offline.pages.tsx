import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Fleet } from '../../deployments/fleet.js'
import { AppError } from '../../errors/app-error.js'
import { createOfflineActivation } from '../../offline-activation/create-offline-activation.js'
import { deactivateOfflineActivation } from '../../offline-activation/deactivate-offline-activation.js'
import type { Html } from '../../web/html.js'
import { h } from '../../web/jsx.js'
import { CsrfField, FormErrors } from '../../web/layout.js'
import { sendPage } from '../../web/web-scope.js'
import { portalActor } from '../portal-actor.js'
import { requireCustomerUser } from '../require-customer-user.js'
import { portalChrome } from './portal-chrome.js'
import { PortalLayout, type PortalChrome } from './portal-layout.js'
import { portalPrincipal } from './portal-principal.js'

/** What the offline page shows after a form. */
interface Outcome {
  error?: string
  notice?: string
  /** Which form the message belongs to. */
  form?: 'activate' | 'deactivate'
}

function Offline(p: { chrome: PortalChrome; outcome: Outcome }): Html {
  const csrf = p.chrome.csrfToken
  const at = (form: Outcome['form']) => (p.outcome.form === form ? p.outcome : {})
  const canChange = p.chrome.principal?.kind === 'user'
  return (
    <PortalLayout title="Offline files" chrome={p.chrome} current="/portal/offline">
      <h1>Offline and air-gapped machines</h1>
      <section class="card" aria-labelledby="act">
        <h2 id="act">Activate a machine without network access</h2>
        <p>
          On the machine, let the application write an activation request (a small JSON file).
          Choose the file or paste its content here: you get back a machine file, signed for that
          machine only, to copy to it. It takes one seat of the license.
        </p>
        <FormErrors message={at('activate').error} />
        {canChange ? (
          <form method="post" action="/portal/offline/activate" class="stack">
            <CsrfField token={csrf} />
            <label for="request-file">Activation request file</label>
            <input
              id="request-file"
              type="file"
              accept=".json,application/json"
              data-fill="request"
            />
            <label for="request">Activation request (or paste its content)</label>
            <textarea id="request" name="request" rows={10} required maxlength={16384}></textarea>
            <button type="submit">Get the machine file</button>
          </form>
        ) : (
          <p class="muted">A support session can look but not activate machines.</p>
        )}
      </section>
      <section class="card" aria-labelledby="deact">
        <h2 id="deact">Free the seat of an air-gapped machine</h2>
        <p>
          When the application on the machine gives up its seat, it writes a deactivation proof.
          Choose or paste it here to free the seat for another machine.
        </p>
        {at('deactivate').notice ? (
          <p class="alert ok" role="status">
            {at('deactivate').notice}
          </p>
        ) : null}
        <FormErrors message={at('deactivate').error} />
        {canChange ? (
          <form method="post" action="/portal/offline/deactivate" class="stack">
            <CsrfField token={csrf} />
            <label for="proof-file">Deactivation proof file</label>
            <input id="proof-file" type="file" data-fill="proof" />
            <label for="proof">Deactivation proof (or paste its content)</label>
            <textarea id="proof" name="proof" rows={6} required maxlength={8192}></textarea>
            <button type="submit">Free the seat</button>
          </form>
        ) : null}
      </section>
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
    </PortalLayout>
  )
}

/** The text of one form field (an absent or repeated field counts as empty). */
function field(request: FastifyRequest, name: string): string {
  const v = ((request.body ?? {}) as Record<string, unknown>)[name]
  return typeof v === 'string' ? v : ''
}

/**
 * Offline pages: `GET /portal/offline`, `POST /portal/offline/activate` (an activation request
 * in, the signed machine file out as a download), `POST /portal/offline/deactivate` (a
 * deactivation proof frees the seat), `GET /portal/offline/revocations.jws`. Both forms use the
 * services of the admin API, limited to the signed-in customer's licenses (another customer's
 * license is "not found"); a support session may look but not change. Bad input is a message on
 * the page, and nothing is written.
 *
 * @example
 * ```ts
 * await inner.register(offlinePages, { fleet })
 * ```
 */
export function offlinePages(app: FastifyInstance, opts: { fleet: Fleet }): Promise<void> {
  const { fleet } = opts

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: Outcome = {},
    status = 200,
  ) => {
    const principal = await portalPrincipal(request, reply)
    const chrome = await portalChrome(request, principal.tenantId, principal)
    return sendPage(reply, <Offline chrome={chrome} outcome={outcome} />, status)
  }

  app.get('/offline', (request, reply) => page(request, reply))

  app.post('/offline/activate', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    requireCustomerUser(principal)
    try {
      const r = await createOfflineActivation(fleet, {
        tenantId: principal.tenantId,
        customerId: principal.customerId,
        request: field(request, 'request'),
        actor: portalActor(principal, { requestId: request.id, ip: request.ip }),
      })
      return reply
        .header('content-disposition', 'attachment; filename="machine.lic"')
        .type('application/jose')
        .send(`${r.machineFile}\n`)
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err
      const error =
        err.code === 'NOT_FOUND' ? 'The request names a license that is not yours.' : err.message
      return page(request, reply, { form: 'activate', error }, err.statusCode)
    }
  })

  app.post('/offline/deactivate', async (request, reply) => {
    const principal = await portalPrincipal(request, reply)
    requireCustomerUser(principal)
    try {
      const r = await deactivateOfflineActivation(fleet, {
        tenantId: principal.tenantId,
        customerId: principal.customerId,
        proof: field(request, 'proof'),
        actor: portalActor(principal, { requestId: request.id, ip: request.ip }),
      })
      const notice = r.deactivated
        ? r.seatFreed
          ? 'The seat is free: another machine can be activated now.'
          : 'The machine file is deactivated.'
        : 'This proof was already used; nothing changed.'
      return page(request, reply, { form: 'deactivate', notice })
    } catch (err) {
      if (!(err instanceof AppError) || err.statusCode >= 500) throw err
      const error =
        err.code === 'NOT_FOUND' ? 'The proof names a machine file that is not yours.' : err.message
      return page(request, reply, { form: 'deactivate', error }, err.statusCode)
    }
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
  return Promise.resolve()
}
