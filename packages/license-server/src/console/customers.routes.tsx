import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createCustomer } from '../customers/create-customer.js'
import { findCustomer } from '../customers/customer.repository.js'
import { decodeCursor, encodeCursor } from '../lib/pagination.js'
import { FormReader } from '../web/form-reader.js'
import { h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, can, requireStaffScope } from './console-context.js'
import { ConsolePage, Field } from './console-layout.js'
import { customerMatches } from './customer-search.js'

const PAGE_SIZE = 50
/** Up to this many matches, a search pages in memory instead of walking the id index. */
const SPARSE_CUSTOMERS = 2000

function CreateForm(p: {
  request: FastifyRequest
  values?: { name?: string | undefined; email?: string | undefined }
  errors?: Readonly<Record<string, string>>
}) {
  const e = p.errors ?? {}
  return (
    <section class="card" aria-labelledby="new-customer">
      <h2 id="new-customer">New customer</h2>
      <FormErrors fields={e} />
      <form method="post" action="/console/customers" class="stack">
        <CsrfField token={p.request.web.csrfToken} />
        <Field
          label="Name"
          name="name"
          value={p.values?.name}
          error={e.name}
          required
          maxlength={200}
        />
        <Field label="Email" name="email" type="email" value={p.values?.email} error={e.email} />
        <button type="submit">Create customer</button>
      </form>
    </section>
  )
}

/**
 * Customer pages: list and search, create (the API's `createCustomer` service), detail with the
 * customer's licenses.
 *
 * @example
 * ```ts
 * await inner.register(consoleCustomerRoutes)
 * ```
 */
export function consoleCustomerRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  const list = async (
    request: FastifyRequest<{ Querystring: { q?: string; after?: string } }>,
    form?: {
      values: { name?: string | undefined; email?: string | undefined }
      errors: Readonly<Record<string, string>>
    },
  ) => {
    requireStaffScope(request, 'customers:read')
    const q = typeof request.query.q === 'string' ? request.query.q.trim().slice(0, 200) : ''
    let after: string | undefined
    try {
      after = decodeCursor(
        typeof request.query.after === 'string' ? request.query.after : undefined,
      )
    } catch {
      throw new PageError('BAD_INPUT', 'The page link is not valid')
    }
    let query = db
      .selectFrom('customers')
      .selectAll()
      .where('tenant_id', '=', request.staff.tenant_id)
    if (q) query = query.where((eb) => customerMatches(eb, q))
    if (after) query = query.where('id', '<', after)
    if (q) {
      // A prefix matching few customers: take them from the prefix indexes and page in memory
      // (walking the id index could read most customers of a big tenant before a page fills).
      const matching = await query
        .clearSelect()
        .select('id')
        .limit(SPARSE_CUSTOMERS + 1)
        .execute()
      if (matching.length <= SPARSE_CUSTOMERS) {
        const page = matching
          .map((c) => c.id)
          .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
          .slice(0, PAGE_SIZE + 1)
        // No match: an id no row has (`in ()` is not SQL).
        query = query.where('id', 'in', page.length > 0 ? page : [''])
      }
    }
    const rows = await query
      .orderBy('id', 'desc')
      .limit(PAGE_SIZE + 1)
      .execute()
    const items = rows.slice(0, PAGE_SIZE)
    const next = rows.length > PAGE_SIZE ? encodeCursor(items[items.length - 1]!.id) : undefined
    return (
      <ConsolePage request={request} title="Customers" current="/console/customers">
        <h1>Customers</h1>
        <form method="get" action="/console/customers" class="filters" role="search">
          <label>
            Search
            <input type="search" name="q" value={q} placeholder="name or email" />
          </label>
          <button type="submit">Search</button>
        </form>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr>
                  <td>
                    <a href={`/console/customers/${c.id}`} class="customer-name">
                      {c.name}
                    </a>
                  </td>
                  <td>{c.email ?? '—'}</td>
                  <td>{c.created_at.toISOString().slice(0, 10)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {next ? (
          <p class="pager">
            <a
              href={`/console/customers?${new URLSearchParams({ ...(q ? { q } : {}), after: next }).toString()}`}
            >
              Next page
            </a>
          </p>
        ) : null}
        {can(request, 'customers:write') ? (
          <CreateForm request={request} values={form?.values} errors={form?.errors} />
        ) : null}
      </ConsolePage>
    )
  }

  app.get<{ Querystring: { q?: string; after?: string } }>('/customers', async (request, reply) =>
    sendPage(reply, await list(request)),
  )

  app.post<{ Querystring: { q?: string; after?: string } }>(
    '/customers',
    async (request, reply) => {
      requireStaffScope(request, 'customers:write')
      const f = new FormReader(request.body)
      const name = f.text('name', { label: 'Name', max: 200 })
      const email = f.email('email', { label: 'Email', optional: true })
      if (Object.keys(f.errors).length > 0) {
        return sendPage(
          reply,
          await list(request, { values: { name, email }, errors: f.errors }),
          400,
        )
      }
      const row = await db
        .transaction()
        .execute((trx) =>
          createCustomer(trx, request.staff.tenant_id, { name, email }, actorOf(request), now()),
        )
      return reply.redirect(`/console/customers/${row.id}`, 303)
    },
  )

  app.get<{ Params: { id: string } }>('/customers/:id', async (request, reply) => {
    requireStaffScope(request, 'customers:read')
    const tenantId = request.staff.tenant_id
    const customer = await findCustomer(db, tenantId, request.params.id)
    if (!customer) throw new PageError('NOT_FOUND', 'No such customer')
    const licenses = can(request, 'licenses:read')
      ? await db
          .selectFrom('licenses')
          .select(['id', 'status', 'product', 'tier', 'expires_at'])
          .where('tenant_id', '=', tenantId)
          .where('customer_id', '=', customer.id)
          .orderBy('id', 'desc')
          .limit(200)
          .execute()
      : []
    return sendPage(
      reply,
      <ConsolePage request={request} title={customer.name} current="/console/customers">
        <h1 class="customer-name">{customer.name}</h1>
        <dl class="props card">
          <dt>Email</dt>
          <dd>{customer.email ?? '—'}</dd>
          <dt>External id</dt>
          <dd>{customer.external_id ?? '—'}</dd>
          <dt>Stripe customer</dt>
          <dd>{customer.stripe_customer_id ?? '—'}</dd>
          <dt>Id</dt>
          <dd class="mono">{customer.id}</dd>
        </dl>
        {can(request, 'customers:write') ? (
          <p>
            <a href={`/console/customers/${customer.id}/edit`} class="button">
              Edit customer
            </a>
          </p>
        ) : null}
        {can(request, 'portal:support') ? (
          <form
            method="post"
            action={`/console/customers/${customer.id}/portal-link`}
            class="inline"
          >
            <CsrfField token={request.web.csrfToken} />
            <button type="submit" class="secondary">
              Open portal as support
            </button>
          </form>
        ) : null}
        <h2>Licenses</h2>
        {can(request, 'licenses:write') ? (
          <p>
            <a href={`/console/licenses/new?customer=${customer.id}`} class="button">
              Issue a license
            </a>
          </p>
        ) : null}
        <ul>
          {licenses.map((l) => (
            <li>
              <a href={`/console/licenses/${l.id}`} class="mono">
                {l.id}
              </a>{' '}
              {l.product}/{l.tier} <span class={`badge ${l.status}`}>{l.status}</span>
            </li>
          ))}
        </ul>
      </ConsolePage>,
    )
  })
  return Promise.resolve()
}
