import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleSetupPath } from '../../src/console/console-setup.js'
import { totpCode, totpStep } from '../../src/console/totp.js'
import {
  browserSkipReason,
  launchChromium,
  listenForBrowser,
  screenshot,
  watchPageProblems,
} from '../helpers/browser.js'
import { createStaff, currentCode } from '../helpers/console-support.js'
import { seedLicense } from '../helpers/fixtures.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

// One browser for the file; each person gets a fresh context (own cookies).
describe.skipIf(browserSkipReason !== undefined)('staff console in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let base: string
  let licenseId: string
  let key: string
  const contexts: BrowserContext[] = []

  async function newPage(): Promise<Page> {
    const context = await browser.newContext()
    contexts.push(context)
    const page = await context.newPage()
    page.on('dialog', (d) => void d.accept())
    return page
  }

  async function enrol(page: Page, fields: { email?: string; name: string; password: string }) {
    if (fields.email) await page.locator('input[name="email"]').fill(fields.email)
    await page.getByLabel('Your name').fill(fields.name)
    await page.locator('input[name="password"]').fill(fields.password)
    await page.locator('input[name="password2"]').fill(fields.password)
    const secret = await page.locator('input[name="secret"]').inputValue()
    await page.locator('input[name="code"]').fill(totpCode(secret, totpStep(t.clock.now())))
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { name: 'Save your recovery codes' }).waitFor()
  }

  const post = (path: string, body: unknown) =>
    fetch(`${base.replace('localhost', '127.0.0.1')}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  beforeAll(async () => {
    t = await createTestApp()
    const seeded = await seedLicense(t)
    licenseId = seeded.license.id
    key = seeded.token
    base = await listenForBrowser(t)
    for (const dep of ['machine-a', 'machine-b']) {
      const res = await post('/v1/deployments/activate', { key, deploymentId: dep })
      expect(res.status).toBe(200)
    }
    browser = await launchChromium()
  })
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await t?.close()
  })

  it('first owner setup → invite support → support adds a passkey and signs in with it → finds a license by customer email → frees a seat → suspends with a reason; the fleet API answers suspended', async () => {
    const owner = await newPage()
    const problems = watchPageProblems(owner)
    await owner.goto(`${base}${consoleSetupPath(t.app.tollgate)!}`)
    await enrol(owner, {
      email: 'owner@vendor.test',
      name: 'Olive Owner',
      password: 'owner-password-1',
    })
    await screenshot(owner, 'console-recovery-codes')
    await owner.getByRole('link', { name: 'Continue to the console' }).click()
    await owner.getByRole('heading', { name: 'Overview' }).waitFor()
    await screenshot(owner, 'console-overview')

    await owner.getByRole('link', { name: 'Staff' }).click()
    await owner.getByLabel('Email').fill('sam.support@vendor.test')
    await owner.getByLabel('Role').last().selectOption('support')
    await owner.getByRole('button', { name: 'Create invitation link' }).click()
    const link = (await owner.locator('#invite-link').textContent())!
    expect(link).toMatch(/\/console\/invite\//)
    await screenshot(owner, 'console-staff')

    const support = await newPage()
    const cdp = await support.context().newCDPSession(support)
    await cdp.send('WebAuthn.enable')
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    })
    await support.goto(link)
    t.clock.advance(30_000)
    await enrol(support, { name: 'Sam Support', password: 'support-password-1' })
    await support.goto(`${base}/console/account`)
    await support.getByRole('button', { name: 'Add a passkey' }).click()
    await Promise.race([
      support.locator('#passkeys li').first().waitFor(),
      support.getByText(/Passkey failed/).waitFor(),
    ])
    expect(await support.locator('#passkey-status').textContent()).not.toMatch(/failed/)
    expect(await support.locator('#passkeys li').count()).toBe(1)
    await support.getByRole('button', { name: 'Sign out', exact: true }).click()
    await support.waitForURL(`${base}/console/login`)
    await support.getByRole('button', { name: 'Sign in with a passkey' }).click()
    await support.getByRole('heading', { name: 'Overview' }).waitFor()

    await support.getByRole('link', { name: 'Licenses' }).click()
    await support.getByLabel('Search').fill('it@acme.test')
    await support.getByRole('button', { name: 'Search' }).click()
    await support.getByRole('link', { name: licenseId }).click()
    await support.getByRole('heading', { name: /License/ }).waitFor()
    // No revoke for support.
    expect(await support.getByRole('button', { name: 'Revoke' }).count()).toBe(0)
    await support
      .locator('tr', { hasText: 'machine-a' })
      .getByRole('button', { name: 'Free seat' })
      .click()
    await support.locator('tr', { hasText: 'machine-a' }).getByText('inactive').waitFor()
    await support
      .getByLabel(/Reason/)
      .first()
      .fill('chargeback under review')
    await support.getByRole('button', { name: 'Suspend' }).click()
    await support.locator('h1 .badge.suspended').waitFor()
    await screenshot(support, 'console-license-detail')

    const hb = await post('/v1/deployments/heartbeat', { key, deploymentId: 'machine-b' })
    expect(JSON.stringify(await hb.json())).toMatch(/suspended/i)
    const row = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_id', '=', licenseId)
      .where('action', '=', 'license.suspend')
      .executeTakeFirstOrThrow()
    expect(row.actor).toMatch(/^staff:stf_/)
    expect(problems).toEqual([])
  })

  it('read-only cannot see revoke, a forged POST answers 403, a post without the CSRF token answers 403', async () => {
    const member = await createStaff(t, 'read-only')
    const page = await newPage()
    await page.goto(`${base}/console/licenses/${licenseId}`)
    await page.waitForURL(/\/console\/login/)
    await page.getByLabel('Email').fill(member.email)
    await page.getByLabel('Password').fill(member.password)
    await page.getByRole('button', { name: 'Continue' }).click()
    t.clock.advance(30_000)
    await page.getByLabel(/Code from your authenticator/).fill(currentCode(t, member))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: /License/ }).waitFor()
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Reinstate' }).count()).toBe(0)
    const statuses = await page.evaluate(`(async () => {
      const forged = await fetch('/console/licenses/${licenseId}/revoke', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'reason=x&_csrf=' + encodeURIComponent(window.tollgateCsrf),
      })
      const noCsrf = await fetch('/console/licenses/${licenseId}/revoke', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'reason=x',
      })
      return [forged.status, noCsrf.status]
    })()`)
    expect(statuses).toEqual([403, 403])
    const status = await t.db
      .selectFrom('licenses')
      .select('status')
      .where('id', '=', licenseId)
      .executeTakeFirstOrThrow()
    expect(status.status).toBe('suspended')
  })

  it('a customer name holding <script> renders as text; the session expires when idle', async () => {
    const sales = await createStaff(t, 'sales')
    const page = await newPage()
    await page.goto(`${base}/console/login`)
    await page.getByLabel('Email').fill(sales.email)
    await page.getByLabel('Password').fill(sales.password)
    await page.getByRole('button', { name: 'Continue' }).click()
    t.clock.advance(30_000)
    await page.getByLabel(/Code from your authenticator/).fill(currentCode(t, sales))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Overview' }).waitFor()
    await page.getByRole('link', { name: 'Customers' }).click()
    const evil = '<script>window.pwned = 1</script><img src=x onerror="window.pwned=2">'
    await page.getByLabel('Name').fill(evil)
    await page.getByRole('button', { name: 'Create customer' }).click()
    await page.locator('h1.customer-name').waitFor()
    expect(await page.locator('h1.customer-name').textContent()).toBe(evil)
    expect(await page.evaluate('window.pwned')).toBeUndefined()
    await screenshot(page, 'console-customer')

    t.clock.advance(t.app.tollgate.config.web.sessionIdleMs + 60_000)
    await page.goto(`${base}/console/customers`)
    await page.waitForURL(/\/console\/login\?next=/)
  })
})
