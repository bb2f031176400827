import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findCustomer } from '../customers/customer.repository.js'
import { issueLicense } from '../licenses/issue-license.js'
import { findPlan } from '../plans/plan.repository.js'
import { FormReader } from '../web/form-reader.js'
import { renderChild } from '../web/html.js'
import { h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, requireStaffScope } from './console-context.js'
import { ConsolePage, Field } from './console-layout.js'
import { CustomerChoices, CustomerSearch, pickerCustomers } from './customer-picker.js'
import { licenseDetailPage } from './license-detail.js'
import { readExpiry } from './read-expiry.js'

const ID = /^[a-z]{2,8}_[0-9A-Za-z_-]{4,64}$/

type PickerQuery = { Querystring: { customer?: string; find?: string } }

/** The picker's search text: trimmed, at most 200 characters. */
const findOf = (q: PickerQuery['Querystring']): string =>
  typeof q.find === 'string' ? q.find.trim().slice(0, 200) : ''

type IssueValues = { customerId?: string; planId?: string; expiresAt?: string; perpetual?: boolean }

/**
 * Issuing a license from the console (`licenses:write`) through the API's `issueLicense`: the
 * form with a customer search (a plain GET reload, plus `customer-picker.js` fetching the list
 * fragment as one types), plan, expiry or perpetual; the new key is shown once.
 *
 * @example
 * ```ts
 * await inner.register(consoleLicenseIssueRoutes)
 * ```
 */
export function consoleLicenseIssueRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate

  const issuePage = async (
    request: FastifyRequest,
    values: IssueValues,
    errors: Readonly<Record<string, string>> = {},
    find = '',
  ) => {
    const customers = await pickerCustomers(db, request.staff.tenant_id, find, values.customerId)
    const plans = await db
      .selectFrom('plans')
      .select(['id', 'name', 'product', 'tier', 'duration_days'])
      .where('tenant_id', '=', request.staff.tenant_id)
      .orderBy('name')
      .limit(500)
      .execute()
    const csrf = request.web.csrfToken
    return (
      <ConsolePage
        request={request}
        title="Issue a license"
        current="/console/licenses"
        scripts={['customer-picker.js']}
      >
        <h1>Issue a license</h1>
        <FormErrors fields={errors} />
        <CustomerSearch find={find} />
        <form method="post" action="/console/licenses/new" class="card stack" id="issue-form">
          <CsrfField token={csrf} />
          <CustomerChoices
            customers={customers}
            selected={values.customerId}
            find={find}
            error={errors.customerId}
          />
          <label>
            Plan
            <select name="planId" id="planId" required>
              {plans.map((p) => (
                <option value={p.id} selected={p.id === values.planId}>
                  {`${p.name} (${p.product} / ${p.tier}, ${p.duration_days === null ? 'perpetual' : `${p.duration_days} days`})`}
                </option>
              ))}
            </select>
            {errors.planId ? <span class="field-error">{errors.planId}</span> : null}
          </label>
          <Field
            label="Expiry date"
            name="expiresAt"
            type="date"
            value={values.expiresAt}
            error={errors.expiresAt}
            hint="Empty: the plan's duration from today"
          />
          <label class="check">
            <input type="checkbox" name="perpetual" value="yes" checked={values.perpetual} />{' '}
            Perpetual (no expiry)
          </label>
          <button type="submit">Issue license</button>
        </form>
      </ConsolePage>
    )
  }

  app.get<PickerQuery>('/licenses/new', async (request, reply) => {
    requireStaffScope(request, 'licenses:write')
    const c = request.query.customer
    const customerId = typeof c === 'string' && ID.test(c) ? c : undefined
    return sendPage(reply, await issuePage(request, { customerId }, {}, findOf(request.query)))
  })

  // The picker's list alone, for customer-picker.js (the same markup the form holds).
  app.get<PickerQuery>('/licenses/new/customers', async (request, reply) => {
    requireStaffScope(request, 'licenses:write')
    const find = findOf(request.query)
    const customers = await pickerCustomers(db, request.staff.tenant_id, find, undefined)
    return reply
      .type('text/html; charset=utf-8')
      .send(renderChild(<CustomerChoices customers={customers} find={find} />))
  })

  app.post('/licenses/new', async (request, reply) => {
    requireStaffScope(request, 'licenses:write')
    const tenantId = request.staff.tenant_id
    const f = new FormReader(request.body)
    const idField = { max: 80, pattern: ID, patternMessage: 'is not an id' }
    const customerId = f.text('customerId', { label: 'Customer', ...idField })
    const planId = f.text('planId', { label: 'Plan', ...idField })
    const expiresAt = readExpiry(f, now(), true)
    if (!f.errors.customerId && !(await findCustomer(db, tenantId, customerId))) {
      f.fail('customerId', 'No customer with this id')
    }
    if (!f.errors.planId && !(await findPlan(db, tenantId, planId))) {
      f.fail('planId', 'Choose one of the plans')
    }
    if (Object.keys(f.errors).length > 0) {
      const values = {
        customerId,
        planId,
        expiresAt: f.raw('expiresAt'),
        perpetual: f.checkbox('perpetual'),
      }
      return sendPage(reply, await issuePage(request, values, f.errors), 400)
    }
    const { license, token } = await db
      .transaction()
      .execute((trx) =>
        issueLicense(
          trx,
          tenantId,
          { customerId, planId, ...(expiresAt === undefined ? {} : { expiresAt }) },
          actorOf(request),
          app.tollgate,
        ),
      )
    const page = await licenseDetailPage(
      db,
      request,
      license.id,
      { token, notice: 'License issued. Its key is shown once below.' },
      now(),
    )
    return sendPage(reply, page, 201)
  })
  return Promise.resolve()
}
