import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaff, signInStaff, type TestStaff } from './helpers/console-support.js'
import { seedLicense, type Obj } from './helpers/fixtures.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

describe(`console issue form: customer picker that searches (app.inject, ${TEST_DB_KIND})`, () => {
  let t: TestApp
  let sales: TestStaff
  let plan: Obj
  const customer = async (name: string, email: string) =>
    (await t.request('POST', '/v1/admin/customers', { name, email })).json<{ id: string }>().id
  beforeAll(async () => {
    t = await createTestApp()
    sales = await createStaff(t, 'sales')
    plan = (await seedLicense(t)).plan
  })
  afterAll(() => t.close())

  it('a plain GET search reloads the form with matching customers as radios; issuing needs no id typed', async () => {
    const globex = await customer('Globex <Corp>', 'ops@globex.test')
    const initech = await customer('Initech', 'it@initech.test')
    const b = await signInStaff(t, sales)
    const form = await b.get('/console/licenses/new')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('name="find"')
    expect(form.body).toContain('customer-picker.js')
    // Without a search: the newest customers.
    expect(form.body).toContain(`value="${initech}"`)

    const found = await b.get('/console/licenses/new?find=GLOBEX')
    expect(found.body).toContain(`type="radio" name="customerId" value="${globex}"`)
    expect(found.body).not.toContain(`value="${initech}"`)
    expect(found.body).toContain('Globex &lt;Corp&gt;')
    // The only match is chosen already.
    expect(found.body).toMatch(new RegExp(`value="${globex}"[^>]*checked`))
    const byEmail = await b.get('/console/licenses/new?find=it%40initech')
    expect(byEmail.body).toContain(`value="${initech}"`)
    expect(byEmail.body).not.toContain(`value="${globex}"`)
    const byId = await b.get(`/console/licenses/new?find=${initech}`)
    expect(byId.body).toContain(`value="${initech}"`)
    // LIKE wildcards are literal.
    const none = await b.get('/console/licenses/new?find=%25')
    expect(none.body).toContain('No customer matches “%”')

    const issued = await b.post('/console/licenses/new', {
      customerId: globex,
      planId: String(plan.id),
      _csrf: b.csrf(found.body),
    })
    expect(issued.statusCode, issued.body.slice(0, 400)).toBe(201)
    const row = await t.db
      .selectFrom('licenses')
      .select('customer_id')
      .where('customer_id', '=', globex)
      .executeTakeFirst()
    expect(row).toBeDefined()
  })

  it('the list fragment for the script is the same markup; no choice is a message and nothing is written', async () => {
    const b = await signInStaff(t, sales)
    const frag = await b.get('/console/licenses/new/customers?find=initech')
    expect(frag.statusCode).toBe(200)
    expect(frag.headers['content-type']).toContain('text/html')
    expect(frag.body.startsWith('<fieldset id="customer-picker"')).toBe(true)
    expect(frag.body).toContain('Initech')
    expect(frag.body).not.toContain('Globex')

    const before = await t.db.selectFrom('licenses').select('id').execute()
    const form = await b.get('/console/licenses/new')
    const none = await b.post('/console/licenses/new', {
      planId: String(plan.id),
      _csrf: b.csrf(form.body),
    })
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('Customer is required')
    expect(await t.db.selectFrom('licenses').select('id').execute()).toHaveLength(before.length)
  })

  it('read-only cannot open the picker; tenant B never sees A’s customers', async () => {
    const r = await signInStaff(t, await createStaff(t, 'read-only'))
    expect((await r.get('/console/licenses/new?find=globex')).statusCode).toBe(403)
    expect((await r.get('/console/licenses/new/customers?find=globex')).statusCode).toBe(403)

    const other = await t.addTenant('vendor-b-picker')
    const b = await signInStaff(t, await createStaff(t, 'owner', { tenantId: other.tenantId }))
    for (const url of [
      '/console/licenses/new',
      '/console/licenses/new?find=globex',
      '/console/licenses/new/customers?find=globex',
    ]) {
      const res = await b.get(url)
      expect(res.statusCode).toBe(200)
      expect(res.body).not.toContain('Globex')
    }
    const aCustomer = await t.db
      .selectFrom('customers')
      .select('id')
      .where('tenant_id', '=', t.tenantId)
      .executeTakeFirstOrThrow()
    // A's id as a preselected customer or a search is not shown either.
    const pre = await b.get(`/console/licenses/new?customer=${aCustomer.id}&find=${aCustomer.id}`)
    expect(pre.body).not.toContain(`name="customerId" value="${aCustomer.id}"`)
    expect(pre.body).toContain('No customer matches')
  })
})
