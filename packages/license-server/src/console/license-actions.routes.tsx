import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findCustomer } from '../customers/customer.repository.js'
import { AppError } from '../errors/app-error.js'
import { issueLicense } from '../licenses/issue-license.js'
import { findLicense } from '../licenses/license.repository.js'
import { reissueToken } from '../licenses/reissue-token.js'
import { renewLicense } from '../licenses/renew-license.js'
import { signKeyForReveal } from '../licenses/reveal-license-key.js'
import { findPlan } from '../plans/plan.repository.js'
import { FormReader } from '../web/form-reader.js'
import { h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, requireStaffScope } from './console-context.js'
import { ConsolePage, Field } from './console-layout.js'
import { canRevealKey, licenseDetailPage } from './license-detail.js'
import { CustomerChoices, CustomerSearch, pickerCustomers } from './customer-picker.js'
import { renderChild } from '../web/html.js'

const ID = /^[a-z]{2,8}_[0-9A-Za-z_-]{4,64}$/

type PickerQuery = { Querystring: { customer?: string; find?: string } }

/** The picker's search text: trimmed, at most 200 characters. */
const findOf = (q: PickerQuery['Querystring']): string =>
  typeof q.find === 'string' ? q.find.trim().slice(0, 200) : ''

type IssueValues = { customerId?: string; planId?: string; expiresAt?: string; perpetual?: boolean }

/**
 * Reads "expiry date or perpetual" from a form: a future YYYY-MM-DD date (end of that day,
 * UTC), `null` for perpetual, `undefined` when neither is given and `optional`.
 */
function readExpiry(f: FormReader, now: Date, optional: boolean): Date | null | undefined {
  const perpetual = f.checkbox('perpetual')
  const raw = f.text('expiresAt', {
    label: 'Expiry date',
    max: 10,
    optional: true,
    pattern: /^\d{4}-\d{2}-\d{2}$/,
    patternMessage: 'Expiry date must be a date (YYYY-MM-DD)',
  })
  if (perpetual && raw) f.fail('expiresAt', 'Choose an expiry date or perpetual, not both')
  if (perpetual) return null
  if (!raw) {
    if (!optional) f.fail('expiresAt', 'Expiry date is required (or tick perpetual)')
    return undefined
  }
  const d = new Date(`${raw}T23:59:59Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== raw) {
    f.fail('expiresAt', 'Expiry date must be a date (YYYY-MM-DD)')
  } else if (d <= now) f.fail('expiresAt', 'Expiry date must be in the future')
  return d
}

/**
 * License actions in the console, each calling the admin API's service: issue
 * (`issueLicense`), renew (`renewLicense`), reissue (`reissueToken`) and taking the key
 * (`signKeyForReveal`: shown once or downloaded as a license file, audited).
 *
 * @example
 * ```ts
 * await inner.register(consoleLicenseActionRoutes)
 * ```
 */
export function consoleLicenseActionRoutes(app: FastifyInstance): Promise<void> {
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

  app.post<{ Params: { id: string } }>('/licenses/:id/renew', async (request, reply) => {
    requireStaffScope(request, 'licenses:write')
    const f = new FormReader(request.body)
    const expiresAt = readExpiry(f, now(), false)
    const id = request.params.id
    if (Object.keys(f.errors).length > 0 || expiresAt === undefined) {
      return sendPage(
        reply,
        await licenseDetailPage(db, request, id, { errors: f.errors }, now()),
        400,
      )
    }
    await db
      .transaction()
      .execute((trx) =>
        renewLicense(trx, request.staff.tenant_id, id, expiresAt, actorOf(request), app.tollgate),
      )
    const notice = `Renewed ${expiresAt === null ? 'as perpetual' : `until ${expiresAt.toISOString().slice(0, 10)}`}.`
    return sendPage(reply, await licenseDetailPage(db, request, id, { notice }, now()))
  })

  app.post<{ Params: { id: string } }>('/licenses/:id/reissue', async (request, reply) => {
    requireStaffScope(request, 'licenses:write')
    const id = request.params.id
    const { token } = await db
      .transaction()
      .execute((trx) =>
        reissueToken(trx, request.staff.tenant_id, id, actorOf(request), app.tollgate),
      )
    const notice = 'A fresh token was signed. It is shown once below.'
    return sendPage(reply, await licenseDetailPage(db, request, id, { token, notice }, now()))
  })

  app.post<{ Params: { id: string } }>('/licenses/:id/key', async (request, reply) => {
    if (!canRevealKey(request)) {
      throw new PageError('FORBIDDEN', `Your role (${request.staff.role}) cannot take license keys`)
    }
    const f = new FormReader(request.body)
    const as = f.choice('as', ['show', 'file'] as const, { label: 'Action' })
    if (f.raw('confirm') !== 'yes') f.fail('confirm', 'Tick the box to confirm you want the key')
    const id = request.params.id
    if (Object.keys(f.errors).length > 0) {
      return sendPage(
        reply,
        await licenseDetailPage(db, request, id, { errors: f.errors }, now()),
        400,
      )
    }
    const via = as === 'file' ? 'download' : 'copy'
    const token = await db.transaction().execute(async (trx) => {
      const row = await findLicense(trx, request.staff.tenant_id, id)
      if (!row) throw new AppError('NOT_FOUND', 'No such license')
      return signKeyForReveal(trx, app.tollgate, row, actorOf(request), { via, now: now() })
    })
    if (via === 'download') {
      return reply
        .header('content-disposition', `attachment; filename="license-${id}.key"`)
        .header('cache-control', 'no-store')
        .type('application/octet-stream')
        .send(`${token}\n`)
    }
    return sendPage(reply, await licenseDetailPage(db, request, id, { token }, now()))
  })
  return Promise.resolve()
}
