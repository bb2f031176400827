import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findPlan } from '../plans/plan.repository.js'
import { createPlan, editPlan } from '../plans/save-plan.js'
import { FormReader } from '../web/form-reader.js'
import type { Html } from '../web/html.js'
import { h } from '../web/jsx.js'
import { CsrfField, FormErrors } from '../web/layout.js'
import { PageError } from '../web/page-error.js'
import { sendPage } from '../web/web-scope.js'
import { actorOf, can, requireStaffScope } from './console-context.js'
import { ConsolePage } from './console-layout.js'
import { PLAN_FIELDS, planFormValues, readPlanForm, type PlanFormValues } from './plan-form.js'

const CHOICES: Partial<Record<keyof PlanFormValues, readonly string[]>> = {
  cancelBehavior: ['revoke', 'expire_at_period_end', 'downgrade'],
  purchaseMode: ['subscription', 'payment'],
}

function PlanForm(p: {
  request: FastifyRequest
  action: string
  values: PlanFormValues
  errors: Readonly<Record<string, string>>
  readOnly: boolean
}): Html {
  return (
    <form method="post" action={p.action} class="card stack" id="plan-form">
      <CsrfField token={p.request.web.csrfToken} />
      {PLAN_FIELDS.map(([name, label]) => {
        const err = p.errors[name]
        const common = {
          name,
          id: `plan-${name}`,
          'aria-invalid': err ? 'true' : undefined,
          disabled: p.readOnly,
        } as const
        const choices = CHOICES[name]
        return (
          <label>
            {label}
            {name === 'policy' ? (
              <textarea {...common} rows={6} class="mono">
                {p.values.policy}
              </textarea>
            ) : name === 'public' ? (
              <input {...common} type="checkbox" value="yes" checked={p.values.public !== ''} />
            ) : choices ? (
              <select {...common}>
                {choices.map((c) => (
                  <option value={c} selected={c === p.values[name]}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input {...common} type="text" value={p.values[name]} maxlength={4000} />
            )}
            {err ? <span class="field-error">{err}</span> : null}
          </label>
        )
      })}
      {p.readOnly ? null : <button type="submit">Save plan</button>}
    </form>
  )
}

/**
 * Plan create and edit pages with every field of the API's plan body, validated by the API's
 * schema and saved by its `createPlan` / `editPlan` services (scope plans:write).
 *
 * @example
 * ```ts
 * await inner.register(consolePlanRoutes)
 * ```
 */
export function consolePlanRoutes(app: FastifyInstance): Promise<void> {
  const { db, now } = app.tollgate
  const page = (
    request: FastifyRequest,
    title: string,
    action: string,
    values: PlanFormValues,
    errors: Readonly<Record<string, string>> = {},
  ) => (
    <ConsolePage request={request} title={title} current="/console/plans">
      <h1>{title}</h1>
      <FormErrors fields={errors} />
      <PlanForm
        request={request}
        action={action}
        values={values}
        errors={errors}
        readOnly={!can(request, 'plans:write')}
      />
    </ConsolePage>
  )

  app.get('/plans/new', async (request, reply) => {
    requireStaffScope(request, 'plans:write')
    return sendPage(reply, page(request, 'New plan', '/console/plans/new', planFormValues()))
  })

  app.post('/plans/new', async (request, reply) => {
    requireStaffScope(request, 'plans:write')
    const f = new FormReader(request.body)
    const { values, body } = readPlanForm(f, 'create')
    if (Object.keys(f.errors).length > 0) {
      return sendPage(reply, page(request, 'New plan', '/console/plans/new', values, f.errors), 400)
    }
    const row = await db
      .transaction()
      .execute((trx) => createPlan(trx, request.staff.tenant_id, body, actorOf(request), now()))
    return reply.redirect(`/console/plans/${row.id}`, 303)
  })

  app.get<{ Params: { id: string } }>('/plans/:id', async (request, reply) => {
    requireStaffScope(request, 'plans:read')
    const row = await findPlan(db, request.staff.tenant_id, request.params.id)
    if (!row) throw new PageError('NOT_FOUND', 'No such plan')
    const action = `/console/plans/${row.id}`
    return sendPage(reply, page(request, `Plan ${row.name}`, action, planFormValues(row)))
  })

  app.post<{ Params: { id: string } }>('/plans/:id', async (request, reply) => {
    requireStaffScope(request, 'plans:write')
    const tenantId = request.staff.tenant_id
    const before = await findPlan(db, tenantId, request.params.id)
    if (!before) throw new PageError('NOT_FOUND', 'No such plan')
    const f = new FormReader(request.body)
    const { values, body } = readPlanForm(f, 'edit')
    const action = `/console/plans/${before.id}`
    if (Object.keys(f.errors).length > 0) {
      return sendPage(reply, page(request, `Plan ${before.name}`, action, values, f.errors), 400)
    }
    await db
      .transaction()
      .execute((trx) => editPlan(trx, tenantId, before.id, body, actorOf(request), now()))
    return reply.redirect(action, 303)
  })
  return Promise.resolve()
}
