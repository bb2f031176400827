import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaff, signInStaff } from './helpers/console-support.js'
import { POLICY, post, seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import type { Browser } from './helpers/web-client.js'

// The console's list searches: case-insensitive prefix of a customer's name or email (indexed,
// docs/console.md), license id prefix, customer id; filters combine; tenants never mix.
describe('console search (prefix, indexed)', () => {
  let t: TestApp
  let b: Browser
  let plan: Obj
  const licensesOf: Record<string, string[]> = {}
  const list = async (query: string) => (await b.get(`/console/licenses?${query}`)).body
  const ids = (body: string) =>
    [...body.matchAll(/href="\/console\/licenses\/(lic_[0-9a-z]+)"/g)].map((m) => m[1])
  beforeAll(async () => {
    t = await createTestApp()
    plan = (await seedLicense(t)).plan
    for (const [name, email] of [
      ['Wayne Enterprises', 'bruce@wayne.test'],
      ['Wayneright Ltd', 'ops@wayneright.test'],
      ['100% Pure_Co', 'sales@pure.test'],
    ] as const) {
      const customer = await post(t, '/v1/admin/customers', { name, email })
      licensesOf[name] = []
      for (let i = 0; i < 2; i++) {
        const { license } = await post<{ license: Obj }>(t, '/v1/admin/licenses', {
          customerId: customer.id,
          planId: plan.id,
        })
        licensesOf[name].push(license.id)
      }
      licensesOf[`id:${name}`] = [customer.id]
    }
    b = await signInStaff(t, await createStaff(t, 'read-only'))
  })
  afterAll(() => t.close())

  it('finds licenses by name or email prefix in any case, newest first; a substring does not match', async () => {
    const wayne = [...licensesOf['Wayne Enterprises']!, ...licensesOf['Wayneright Ltd']!]
      .sort()
      .reverse()
    expect(ids(await list('q=WAYNE'))).toEqual(wayne)
    expect(ids(await list('q=wayne+ent'))).toEqual(
      [...licensesOf['Wayne Enterprises']!].sort().reverse(),
    )
    expect(ids(await list('q=bruce%40wayne.test'))).toEqual(
      [...licensesOf['Wayne Enterprises']!].sort().reverse(),
    )
    expect(ids(await list('q=enterprises'))).toEqual([])
    // LIKE wildcards are taken literally.
    expect(ids(await list('q=100%25'))).toEqual([...licensesOf['100% Pure_Co']!].sort().reverse())
    expect(ids(await list('q=1_0'))).toEqual([])
  })

  it('a customer id, a license id prefix and the status filter; keyset pages follow the search', async () => {
    const cus = licensesOf['id:Wayneright Ltd']![0]!
    expect(ids(await list(`q=${cus}`))).toEqual([...licensesOf['Wayneright Ltd']!].sort().reverse())
    const one = licensesOf['100% Pure_Co']![1]!
    expect(ids(await list(`q=${one}`))).toEqual([one])
    expect(ids(await list(`q=${one.slice(0, -3)}`))).toContain(one)
    expect(ids(await list('q=wayne&status=suspended'))).toEqual([])
  })

  it('the customer list searches by prefix too; tenant B sees none of tenant A', async () => {
    const body = (await b.get('/console/customers?q=wayne')).body
    expect(body).toContain('Wayne Enterprises')
    expect(body).toContain('Wayneright Ltd')
    expect(body).not.toContain('Acme Corp')
    expect((await b.get('/console/customers?q=zzz')).body).not.toContain('Wayne')
    const other = await t.addTenant('b')
    const theirs = await signInStaff(t, await createStaff(t, 'owner', { tenantId: other.tenantId }))
    expect(ids((await theirs.get('/console/licenses?q=wayne')).body)).toEqual([])
    expect((await theirs.get('/console/customers?q=wayne')).body).not.toContain('Wayne Enterprises')
  })
})

// The plan filter (a select of the tenant's own plans) and the expiry range of the license list:
// both combine with the text search and survive keyset paging; a bad date is a 400 page.
describe('console license search: plan and expiry range', () => {
  let t: TestApp
  let b: Browser
  let pro: Obj
  let ent: Obj
  let acme: string
  const exp: Record<string, string> = {}
  const bulk: string[] = []
  const list = async (query: string) => (await b.get(`/console/licenses?${query}`)).body
  const ids = (body: string) =>
    [...body.matchAll(/href="\/console\/licenses\/(lic_[0-9a-z]+)"/g)].map((m) => m[1])
  const desc = (xs: string[]) => [...xs].sort().reverse()
  beforeAll(async () => {
    t = await createTestApp()
    const seeded = await seedLicense(t)
    pro = seeded.plan
    acme = seeded.license.id
    ent = await post(t, '/v1/admin/plans', {
      name: 'Enterprise',
      product: 'acme-app',
      tier: 'ent',
      entitlements: ['sso'],
      policy: POLICY,
      durationDays: 365,
    })
    const customer = await post(t, '/v1/admin/customers', { name: 'Expiry Co' })
    const issue = async (planId: string, expiresAt: string) =>
      (
        await post<{ license: Obj }>(t, '/v1/admin/licenses', {
          customerId: customer.id,
          planId,
          expiresAt,
        })
      ).license.id
    exp.e1 = await issue(ent.id, '2040-01-10T12:00:00Z')
    exp.e2 = await issue(ent.id, '2040-06-10T12:00:00Z')
    exp.e3 = await issue(ent.id, '2041-01-10T12:00:00Z')
    exp.p1 = await issue(pro.id, '2040-06-10T12:00:00Z')
    for (let i = 0; i < 51; i++) bulk.push(await issue(ent.id, '2040-03-01T00:00:00Z'))
    b = await signInStaff(t, await createStaff(t, 'read-only'))
  })
  afterAll(() => t.close())

  it('offers the tenant plans with "any plan" and filters by plan', async () => {
    const page = await list('')
    expect(page).toMatch(/<select name="plan"[^>]*>\s*<option value="">any plan<\/option>/)
    expect(page).toContain(`<option value="${ent.id}">Enterprise (acme-app / ent)</option>`)
    expect(page).toContain(`value="${pro.id}"`)
    expect(ids(await list(`plan=${pro.id}`))).toEqual(desc([acme, exp.p1!]))
    expect(await list(`plan=${pro.id}`)).toContain(`<option value="${pro.id}" selected>`)
    expect(ids(await list('plan=pln_doesnotexist'))).toEqual([])
  })

  it('filters by an expiry range (after: from that day on; before: up to that day), with plan and text', async () => {
    expect(
      ids(await list(`plan=${ent.id}&expiresAfter=2040-06-01&expiresBefore=2040-07-01`)),
    ).toEqual([exp.e2])
    expect(ids(await list('expiresAfter=2040-06-10&expiresBefore=2040-06-11'))).toEqual(
      desc([exp.e2!, exp.p1!]),
    )
    expect(ids(await list('expiresAfter=2040-06-11&expiresBefore=2041-01-01'))).toEqual([])
    expect(ids(await list('expiresAfter=2041-01-01'))).toEqual([exp.e3])
    expect(ids(await list('expiresBefore=2040-02-01&q=expiry'))).toEqual([exp.e1])
    expect(
      ids(await list(`q=EXPIRY&plan=${pro.id}&expiresAfter=2040-06-01&expiresBefore=2040-07-01`)),
    ).toEqual([exp.p1])
    const page = await list('expiresAfter=2040-06-01&expiresBefore=2040-07-01')
    expect(page).toContain('name="expiresAfter" value="2040-06-01"')
    expect(page).toContain('name="expiresBefore" value="2040-07-01"')
  })

  it('keeps plan and expiry range in the next-page link', async () => {
    const query = `plan=${ent.id}&expiresAfter=2040-02-01&expiresBefore=2040-12-31`
    const first = await list(query)
    const next = /<a href="(\/console\/licenses\?[^"]+)">Next page<\/a>/.exec(first)?.[1]
    expect(next).toBeDefined()
    const href = next!.replaceAll('&amp;', '&')
    const params = new URL(href, 'http://x').searchParams
    expect(params.get('plan')).toBe(ent.id)
    expect(params.get('expiresAfter')).toBe('2040-02-01')
    expect(params.get('expiresBefore')).toBe('2040-12-31')
    const second = ids((await b.get(href)).body)
    expect([...ids(first), ...second]).toEqual(desc([...bulk, exp.e2!]))
  })

  it('a malformed date or an inverted range answers 400 with a message on the page', async () => {
    for (const [query, message] of [
      ['expiresAfter=2040-02-31', 'Expires after must be a date (YYYY-MM-DD)'],
      ['expiresBefore=tomorrow', 'Expires before must be a date (YYYY-MM-DD)'],
      ['expiresAfter=99999-01-01', 'Expires after must be a date (YYYY-MM-DD)'],
      [
        'expiresAfter=2040-07-01&expiresBefore=2040-06-01',
        'Expires after must be an earlier date than expires before',
      ],
    ] as const) {
      const res = await b.get(`/console/licenses?${query}`)
      expect(res.statusCode, query).toBe(400)
      expect(res.body).toContain(message)
    }
  })

  it("lists only the tenant's own plans; another tenant's plan id matches nothing", async () => {
    const other = await t.addTenant('c')
    const theirPlan = await post(
      t,
      '/v1/admin/plans',
      {
        name: 'Zeta Hidden',
        product: 'zeta-app',
        tier: 'gold',
        entitlements: [],
        policy: POLICY,
        durationDays: 30,
      },
      201,
      other.adminKey,
    )
    const theirCustomer = await post(t, '/v1/admin/customers', { name: 'Zed' }, 201, other.adminKey)
    const theirLicense = (
      await post<{ license: Obj }>(
        t,
        '/v1/admin/licenses',
        { customerId: theirCustomer.id, planId: theirPlan.id },
        201,
        other.adminKey,
      )
    ).license.id
    const ours = await list('')
    expect(ours).not.toContain('Zeta Hidden')
    expect(ours).not.toContain(theirPlan.id)
    expect(ids(await list(`plan=${theirPlan.id}`))).toEqual([])
    const theirs = await signInStaff(t, await createStaff(t, 'owner', { tenantId: other.tenantId }))
    const theirPage = (await theirs.get('/console/licenses')).body
    expect(theirPage).toContain('Zeta Hidden')
    expect(theirPage).not.toContain('Enterprise')
    expect(theirPage).not.toContain(ent.id)
    expect(ids(theirPage)).toEqual([theirLicense])
    expect(ids((await theirs.get(`/console/licenses?plan=${ent.id}`)).body)).toEqual([])
  })
})
