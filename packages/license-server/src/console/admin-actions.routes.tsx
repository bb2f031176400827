import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createApiKey } from '../api-keys/create-api-key.js'
import { revokeApiKeyAs } from '../api-keys/revoke-api-key.js'
import { KNOWN_SCOPES } from '../api-keys/scopes.js'
import { findCustomer } from '../customers/customer.repository.js'
import type { CustomerRow } from '../customers/customer.table.js'
import { editCustomer } from '../customers/edit-customer.js'
import { retryOutboxMessage } from '../outbox/retry-message.js'
import { FormReader } from '../web/form-reader.js'
import { h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, requireStaffScope } from './console-context.js'
import { ConsolePage, Field } from './console-layout.js'
import { ROLE_SCOPES } from './roles.js'

type CustomerValues = {
  name?: string | undefined
  email?: string | undefined
  externalId?: string | undefined
  stripeCustomerId?: string | undefined
}

/**
 * Console mutations of the admin area, each through the API's service: customer edit
 * (`editCustomer`), API-key create (secret shown once) and revoke (`createApiKey`,
 * `revokeApiKeyAs`, granting only scopes the member's role holds) and retrying a failed outbox
 * message (`retryOutboxMessage`).
 *
 * @example
 * ```ts
 * await inner.register(consoleAdminActionRoutes)
 * ```
 */
export function consoleAdminActionRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  const editPage = (
    request: FastifyRequest,
    c: CustomerRow,
    v: CustomerValues,
    errors: Readonly<Record<string, string>> = {},
  ) => (
    <ConsolePage request={request} title={`Edit ${c.name}`} current="/console/customers">
      <h1 class="customer-name">Edit {c.name}</h1>
      <FormErrors fields={errors} />
      <form method="post" action={`/console/customers/${c.id}/edit`} class="card stack">
        <CsrfField token={request.web.csrfToken} />
        <Field
          label="Name"
          name="name"
          value={v.name}
          error={errors.name}
          required
          maxlength={200}
        />
        <Field label="Email" name="email" type="email" value={v.email} error={errors.email} />
        <Field
          label="External id"
          name="externalId"
          value={v.externalId}
          error={errors.externalId}
        />
        <Field
          label="Stripe customer id"
          name="stripeCustomerId"
          value={v.stripeCustomerId}
          error={errors.stripeCustomerId}
        />
        <button type="submit">Save customer</button>
      </form>
    </ConsolePage>
  )

  const loadCustomer = async (request: FastifyRequest<{ Params: { id: string } }>) => {
    requireStaffScope(request, 'customers:write')
    const c = await findCustomer(db, request.staff.tenant_id, request.params.id)
    if (!c) throw new PageError('NOT_FOUND', 'No such customer')
    return c
  }

  app.get<{ Params: { id: string } }>('/customers/:id/edit', async (request, reply) => {
    const c = await loadCustomer(request)
    const values = {
      name: c.name,
      email: c.email ?? '',
      externalId: c.external_id ?? '',
      stripeCustomerId: c.stripe_customer_id ?? '',
    }
    return sendPage(reply, editPage(request, c, values))
  })

  app.post<{ Params: { id: string } }>('/customers/:id/edit', async (request, reply) => {
    const c = await loadCustomer(request)
    const f = new FormReader(request.body)
    const idText = { max: 200, optional: true as const, pattern: /^[\x21-\x7e]+$/ }
    const v = {
      name: f.text('name', { label: 'Name', max: 200 }),
      email: f.email('email', { label: 'Email', optional: true }),
      externalId: f.text('externalId', { label: 'External id', ...idText }),
      stripeCustomerId: f.text('stripeCustomerId', { label: 'Stripe customer id', ...idText }),
    }
    if (Object.keys(f.errors).length > 0) {
      return sendPage(reply, editPage(request, c, v, f.errors), 400)
    }
    const patch = {
      name: v.name,
      email: v.email ?? null,
      externalId: v.externalId ?? null,
      stripeCustomerId: v.stripeCustomerId ?? null,
    }
    await db
      .transaction()
      .execute((trx) =>
        editCustomer(trx, request.staff.tenant_id, c.id, patch, actorOf(request), now()),
      )
    return reply.redirect(`/console/customers/${c.id}`, 303)
  })

  app.post('/keys/api', async (request, reply) => {
    const staff = requireStaffScope(request, 'keys:admin')
    const f = new FormReader(request.body)
    const name = f.text('name', { label: 'Name', max: 200 })
    const raw = request.body as Record<string, unknown> | null
    const picked = raw?.scopes
    const scopes = (Array.isArray(picked) ? picked : picked ? [picked] : []).filter(
      (s): s is string => typeof s === 'string',
    )
    if (scopes.length === 0) f.fail('scopes', 'Pick at least one scope')
    else if (scopes.some((s) => s !== '*' && !(KNOWN_SCOPES as readonly string[]).includes(s))) {
      f.fail('scopes', 'Unknown scope')
    }
    if (Object.keys(f.errors).length > 0) {
      const page = (
        <ConsolePage request={request} title="API key" current="/console/keys">
          <h1>New API key</h1>
          <FormErrors fields={f.errors} />
          <p>
            <a href="/console/keys">Back to keys</a>
          </p>
        </ConsolePage>
      )
      return sendPage(reply, page, 400)
    }
    const { row, secret } = await db.transaction().execute((trx) =>
      createApiKey(
        trx,
        staff.tenant_id,
        { name, scopes: [...new Set(scopes)] },
        {
          scopes: ROLE_SCOPES[staff.role],
          createdBy: `staff:${staff.id}`,
          actor: actorOf(request),
        },
        now(),
      ),
    )
    return sendPage(
      reply,
      <ConsolePage request={request} title="API key created" current="/console/keys">
        <h1>API key {row.name} created</h1>
        <p class="notice" role="status">
          Copy the secret now: it is shown only this once.
        </p>
        <label for="secret">Secret</label>
        <textarea id="secret" class="secret mono" readonly rows={2} data-testid="api-key-secret">
          {secret}
        </textarea>
        <p>
          <a href="/console/keys">Back to keys</a>
        </p>
      </ConsolePage>,
      201,
    )
  })

  app.post<{ Params: { id: string } }>('/keys/api/:id/revoke', async (request, reply) => {
    const staff = requireStaffScope(request, 'keys:admin')
    await db
      .transaction()
      .execute((trx) =>
        revokeApiKeyAs(
          trx,
          staff.tenant_id,
          request.params.id,
          { scopes: ROLE_SCOPES[staff.role], actor: actorOf(request) },
          now(),
        ),
      )
    app.adminAuth.keys.forgetKey(request.params.id, now().getTime())
    return reply.redirect('/console/keys', 303)
  })

  app.post<{ Params: { id: string } }>('/billing/outbox/:id/retry', async (request, reply) => {
    requireStaffScope(request, 'billing:write')
    await db
      .transaction()
      .execute((trx) =>
        retryOutboxMessage(
          trx,
          request.staff.tenant_id,
          request.params.id,
          actorOf(request),
          now(),
        ),
      )
    return reply.redirect('/console/billing', 303)
  })
  return Promise.resolve()
}
