import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI_SOURCE } from '../../../../scripts/lib/tollgate.js'
import { run } from '../../../../scripts/lib/processes.js'
import { STRIPE_KEY } from '../billing-fixtures.js'
import { browserSkipReason, screenshot, watchPageProblems } from '../helpers/browser.js'
import { post } from '../helpers/fixtures.js'
import { startPortalBrowserEnv, type PortalBrowserEnv } from '../helpers/portal-browser.js'
import type { TestApp } from '../helpers/test-app.js'
import { seedPortalCustomer, type PortalCustomer } from '../portal-support.js'

/** A local fake of Stripe's billing-portal endpoint, recording who it was asked for. */
async function fakeStripe(): Promise<{ server: Server; port: number; customers: string[] }> {
  const customers: string[] = []
  const server = createServer((req, res) => {
    let raw = ''
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')))
    req.on('end', () => {
      const customer = new URLSearchParams(raw).get('customer') ?? ''
      customers.push(customer)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: 'bps_fake',
          object: 'billing_portal.session',
          customer,
          url: `https://billing.stripe.com/p/session/test_${customer}`,
        }),
      )
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, port: (server.address() as AddressInfo).port, customers }
}

describe.skipIf(browserSkipReason !== undefined)('customer portal in Chromium', () => {
  let env: PortalBrowserEnv
  let t: TestApp
  let browser: Browser
  let base: string
  let smtp: PortalBrowserEnv['smtp']
  let stripe: Awaited<ReturnType<typeof fakeStripe>>
  let acme: PortalCustomer
  let globex: PortalCustomer
  let dir: string
  let buyer: BrowserContext

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tg-portal-'))
    stripe = await fakeStripe()
    env = await startPortalBrowserEnv({
      stripeSecretKey: STRIPE_KEY,
      stripeApi: { host: '127.0.0.1', port: stripe.port, protocol: 'http' },
    })
    ;({ t, browser, base, smtp } = env)
    acme = await seedPortalCustomer(t, 'buyer@acme.test', { maxDeployments: 1 })
    globex = await seedPortalCustomer(t, 'boss@globex.test')
    await t.request('PATCH', `/v1/admin/customers/${acme.customer.id}`, {
      stripeCustomerId: 'cus_StripeAcme',
    })
    await t.request('PUT', '/v1/admin/portal/branding', {
      productName: 'Acme Analytics',
      logoUrl: null,
      supportEmail: 'help@vendor.test',
    })
  }, 300_000)
  afterAll(async () => {
    await env?.close()
    stripe?.server.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  const signIn = (page: Page, email: string) => env.signIn(page, email)

  it('signs in with a code read from the SMTP catcher, showing the vendor branding', async () => {
    buyer = await browser.newContext({ acceptDownloads: true })
    const page = await buyer.newPage()
    const problems = watchPageProblems(page)
    await page.goto(`${base}/portal/login`)
    await screenshot(page, 'portal-login')
    await signIn(page, 'buyer@acme.test')
    expect(await page.locator('.brand').textContent()).toBe('Acme Analytics')
    await expect(page.getByRole('link', { name: 'acme-app' }).isVisible()).resolves.toBe(true)
    expect(await page.content()).toContain('help@vendor.test')
    await screenshot(page, 'portal-licenses')
    expect(problems).toEqual([])
  })

  it('locks an email out after 5 wrong codes', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${base}/portal/login`)
    await page.getByLabel('Email').fill('boss@globex.test')
    await page.getByRole('button', { name: 'Email me a code' }).click()
    for (let i = 0; i < 4; i++) {
      await page.getByLabel('Code').fill('000000')
      await page.getByRole('button', { name: 'Sign in' }).click()
      await expect(page.getByRole('alert').textContent()).resolves.toContain('not right')
    }
    await page.getByLabel('Code').fill('000000')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/locked for 15 minutes/)
    await screenshot(page, 'portal-locked')
    await context.close()
    // Let the lock run out for the isolation test below.
    t.clock.advance(16 * 60_000)
  })

  it('invites a colleague, who signs in with their own code', async () => {
    const page = await buyer.newPage()
    await page.goto(`${base}/portal/team`)
    await page.getByLabel('Email').fill('dev@acme.test')
    await page.getByRole('button', { name: 'Send invitation' }).click()
    await expect(page.getByRole('status').textContent()).resolves.toContain(
      'Invitation sent to dev@acme.test',
    )
    await screenshot(page, 'portal-team')
    const invite = await (async () => {
      for (let i = 0; i < 200; i++) {
        const m = smtp.accepted.find((x) => x.to.includes('dev@acme.test'))
        if (m) return m
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error('no invitation mailed')
    })()
    expect(invite.data).toContain(`${base}/portal/login`)
    const dev = await browser.newContext()
    const devPage = await dev.newPage()
    await signIn(devPage, 'dev@acme.test')
    expect(await devPage.getByRole('link', { name: 'acme-app' }).isVisible()).toBe(true)
    await dev.close()
    await page.close()
  })

  it('downloads the license file, which the CLI verifies offline', async () => {
    const page = await buyer.newPage()
    await page.goto(`${base}/portal/licenses/${acme.license.id}`)
    await page.getByLabel(/I understand/).check()
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download license file' }).click(),
    ])
    expect(download.suggestedFilename()).toBe(`license-${acme.license.id}.key`)
    const file = join(dir, 'license.key')
    await download.saveAs(file)
    const jwks = join(dir, 'jwks.json')
    await writeFile(jwks, (await t.app.inject({ url: '/.well-known/jwks.json' })).body)
    const res = await run([...CLI_SOURCE, 'license', 'verify', file, '--jwks', jwks, '--json'], {
      TOLLGATE_CONFIG: join(dir, 'tollgate-config.json'),
      NO_COLOR: '1',
    })
    expect(res.code, res.stderr).toBe(0)
    expect(JSON.parse(res.stdout)).toMatchObject({ valid: true, code: 'VALID' })
    await page.close()
  })

  it('opens billing: the local Stripe fake gets the right customer', async () => {
    const page = await buyer.newPage()
    await page.route('https://billing.stripe.com/**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<h1>Stripe customer portal</h1>' }),
    )
    await page.goto(`${base}/portal`)
    await page.getByRole('button', { name: 'Manage billing and invoices' }).click()
    await page.waitForURL('https://billing.stripe.com/p/session/test_cus_StripeAcme')
    expect(stripe.customers).toEqual(['cus_StripeAcme'])
    await page.close()
  })

  it('a support link works once, read-only, and the customer sees that support looked', async () => {
    const link = await post<{ url: string }>(
      t,
      `/v1/admin/customers/${acme.customer.id}/portal-link`,
      undefined,
    )
    const url = link.url.replace(/^http:\/\/[^/]+/, base)
    const staff = await browser.newContext()
    const page = await staff.newPage()
    await page.goto(url)
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(`${base}/portal`)
    await expect(page.getByTestId('support-banner').isVisible()).resolves.toBe(true)
    await screenshot(page, 'portal-support-view')
    await staff.close()
    const again = await browser.newContext()
    const second = await again.newPage()
    await second.goto(url)
    await second.getByRole('button', { name: 'Continue' }).click()
    await expect(second.getByRole('alert').textContent()).resolves.toContain('already used')
    await again.close()
    const home = await buyer.newPage()
    await home.goto(`${base}/portal`)
    await expect(home.getByTestId('support-visits').isVisible()).resolves.toBe(true)
    await home.close()
  })

  it("isolation: customer B's session on customer A's license id is not found", async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await signIn(page, 'boss@globex.test')
    expect(await page.content()).toContain(globex.license.id)
    const res = await page.goto(`${base}/portal/licenses/${acme.license.id}`)
    expect(res?.status()).toBe(404)
    await context.close()
  })
})
