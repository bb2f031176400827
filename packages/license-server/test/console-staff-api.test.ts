import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaff, signInStaff } from './helpers/console-support.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

type Invitation = { id: string; email: string; role: string; expiresAt: string; url: string }

describe(`staff invitations over the admin API (tollgate staff invite, ${TEST_DB_KIND})`, () => {
  let t: TestApp
  const invites = (tenantId: string) =>
    t.db
      .selectFrom('staff_invites')
      .select(['id', 'email', 'role', 'created_by'])
      .where('tenant_id', '=', tenantId)
      .where('email', 'is not', null)
      .execute()
  const newKey = async (scopes: string[]) =>
    (await t.request('POST', '/v1/admin/api-keys', { name: scopes.join(' '), scopes })).json<{
      secret: string
      apiKey: { id: string }
    }>()
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('an owner key invites the first owner: a one-time link the console accepts, audited with the key as actor', async () => {
    const res = await t.request('POST', '/v1/admin/staff/invitations', {
      email: 'Owner@Vendor.test',
      role: 'owner',
    })
    expect(res.statusCode, res.body).toBe(201)
    const inv = res.json<Invitation>()
    expect(inv).toMatchObject({ email: 'owner@vendor.test', role: 'owner' })
    expect(inv.url).toMatch(/^http:\/\/localhost(:80)?\/console\/invite\/[A-Za-z0-9_-]{32}$/)
    const page = await t.app.inject({ method: 'GET', url: new URL(inv.url).pathname })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Create your staff account')
    expect(page.body).toContain('owner@vendor.test')
    // Only the hash of the token is stored.
    const token = inv.url.split('/').pop()!
    const stored = await t.db.selectFrom('staff_invites').selectAll().execute()
    expect(JSON.stringify(stored)).not.toContain(token)
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'target_id'])
      .where('action', '=', 'staff.invite')
      .where('target_id', '=', inv.id)
      .executeTakeFirstOrThrow()
    expect(audit.actor).toMatch(/^key:/)
  })

  it('checks scopes: no staff:admin is 403; a staff:admin key cannot invite an owner; bad input is 400; nothing half-written', async () => {
    const before = await invites(t.tenantId)
    const reader = await newKey(['licenses:read'])
    const denied = await t.request(
      'POST',
      '/v1/admin/staff/invitations',
      { email: 'x@vendor.test', role: 'support' },
      reader.secret,
    )
    expect(denied.statusCode).toBe(403)
    expect(denied.json<{ code: string }>().code).toBe('INSUFFICIENT_SCOPE')
    expect((await t.request('GET', '/v1/admin/staff', undefined, reader.secret)).statusCode).toBe(
      403,
    )

    const staffAdmin = await newKey(['staff:admin'])
    const owner = await t.request(
      'POST',
      '/v1/admin/staff/invitations',
      { email: 'boss@vendor.test', role: 'owner' },
      staffAdmin.secret,
    )
    expect(owner.statusCode).toBe(403)
    expect(owner.json<{ error: string }>().error).toContain('cannot grant the role owner')
    for (const body of [
      { email: 'not-an-email', role: 'support' },
      { email: 'sam@vendor.test', role: 'superuser' },
      { email: 'sam@vendor.test' },
      { email: 'sam@vendor.test', role: 'support', extra: 1 },
    ]) {
      const bad = await t.request('POST', '/v1/admin/staff/invitations', body, staffAdmin.secret)
      expect(bad.statusCode, JSON.stringify(body)).toBe(400)
      expect(bad.json<{ code: string }>().code).toBe('VALIDATION_FAILED')
    }
    expect(await invites(t.tenantId)).toEqual(before)

    const ok = await t.request(
      'POST',
      '/v1/admin/staff/invitations',
      { email: 'sam@vendor.test', role: 'support' },
      staffAdmin.secret,
    )
    expect(ok.statusCode).toBe(201)
    expect(await invites(t.tenantId)).toHaveLength(before.length + 1)
  })

  it('refuses an email that already has an account (CONFLICT) and lists members', async () => {
    const member = await createStaff(t, 'sales', { email: 'sales-member@vendor.test' })
    const dup = await t.request('POST', '/v1/admin/staff/invitations', {
      email: 'SALES-member@vendor.test',
      role: 'support',
    })
    expect(dup.statusCode).toBe(409)
    expect(dup.json<{ code: string; error: string }>()).toMatchObject({
      code: 'CONFLICT',
      error: 'That email already has a staff account on this server',
    })
    const list = await t.request('GET', '/v1/admin/staff')
    expect(list.statusCode).toBe(200)
    const items = list.json<{ items: Record<string, unknown>[] }>().items
    expect(items).toContainEqual(
      expect.objectContaining({ id: member.id, role: 'sales', disabled: false }),
    )
    expect(JSON.stringify(items)).not.toMatch(/password|totp|recovery/)
  })

  it("isolates tenants: B's key invites into B and never lists A's staff", async () => {
    const a = await createStaff(t, 'owner')
    const other = await t.addTenant('vendor-b-staff')
    const res = await t.request(
      'POST',
      '/v1/admin/staff/invitations',
      { email: 'b-support@vendor.test', role: 'support' },
      other.adminKey,
    )
    expect(res.statusCode).toBe(201)
    expect((await invites(other.tenantId)).map((i) => i.email)).toEqual(['b-support@vendor.test'])
    const list = (await t.request('GET', '/v1/admin/staff', undefined, other.adminKey)).json<{
      items: { id: string }[]
    }>()
    expect(list.items.map((i) => i.id)).not.toContain(a.id)
    // A's console does not show B's invitation.
    const b = await signInStaff(t, a)
    expect((await b.get('/console/staff')).body).not.toContain('b-support@vendor.test')
  })
})
