import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerCreate, customerPortalLink, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

// `tollgate customer portal-link` against the real server: a one-time link that works once.
let server: RunningServer
let t: TestContext
let customerId: string

beforeAll(async () => {
  server = await startServer()
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
  customerId = ((await customerCreate({ name: 'Acme' }, t.ctx)).data as { id: string }).id
})
afterAll(async () => {
  await server?.close()
})

describe('tollgate customer portal-link', () => {
  it('prints a one-time sign-in link into the portal of that customer', async () => {
    expect(await run(['customer', 'portal-link', customerId], t.ctx)).toBe(0)
    const url = /http:\/\/\S+\/portal\/support\/\S+/.exec(t.stdout())?.[0]
    expect(url).toMatch(new RegExp(`^${server.url}/portal/support/[A-Za-z0-9_-]{43}$`))
    expect(t.stdout()).toContain('Works once')
  })

  it('--json gives the url and expiry; an unknown customer fails with NOT_FOUND', async () => {
    const { data } = await customerPortalLink({ id: customerId }, t.ctx)
    const link = data as { customerId: string; url: string; expiresAt: string }
    expect(link.customerId).toBe(customerId)
    expect(link.url).toContain('/portal/support/')
    expect(await run(['customer', 'portal-link', 'cus_unknown0000'], t.ctx)).not.toBe(0)
    expect(t.stderr()).toMatch(/NOT_FOUND|No customer/)
  })
})
