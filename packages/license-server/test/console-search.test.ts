import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaff, signInStaff } from './helpers/console-support.js'
import { post, seedLicense, type Obj } from './helpers/fixtures.js'
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
