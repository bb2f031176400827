import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { verifyLicense, type Jwks } from '@tollgate/license-client'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserSkipReason, launchChromium, listenForBrowser } from '../helpers/browser.js'
import { docsScreenshot, signInConsole } from '../helpers/console-browser.js'
import { createStaff } from '../helpers/console-support.js'
import { post, POLICY } from '../helpers/fixtures.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
/** The pages whose screenshots docs/console.md shows (the rest are build artifacts only). */
const DOCS_PAGES = new Set(['console-licenses', 'console-keys'])
const EXAMPLE_MAIN = join(ROOT, 'examples/self-hosted-app/src/main.ts')

/** Starts examples/self-hosted-app as a real process; resolves with its base URL. */
function startExampleApp(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ['--conditions=tollgate-source', '--import', 'tsx', EXAMPLE_MAIN],
    {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', DEMO_CLOCK: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /example app listening on (http:\/\/\S+)/.exec(out)
      if (m) resolve({ url: m[1]!, child })
    })
    child.stderr.on('data', (chunk: Buffer) => {
      out += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`example app exited ${code}: ${out}`)))
  })
}

// Staff issue a license in the console, the SDK accepts the key taken from the page; staff
// suspend it with a reason, and a running example app's client shows `suspended` on refresh.
describe.skipIf(browserSkipReason !== undefined)('console → license SDK in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let base: string
  let page: Page
  let customerId: string
  let example: ChildProcess | undefined
  const storage = mkdtempSync(join(tmpdir(), 'tg-console-sdk-'))

  beforeAll(async () => {
    t = await createTestApp()
    const customer = await post(t, '/v1/admin/customers', {
      name: 'Umbrella Labs',
      email: 'ops@umbrella.test',
    })
    customerId = customer.id
    for (const [name, tier] of [
      ['Team', 'team'],
      ['Enterprise', 'enterprise'],
    ] as const) {
      await post(t, '/v1/admin/plans', {
        name,
        product: 'acme-app',
        tier,
        entitlements: ['reports', 'sso'],
        limits: { users: tier === 'team' ? 10 : 500 },
        policy: POLICY,
        durationDays: 365,
      })
    }
    base = await listenForBrowser(t)
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await context.newPage()
    page.on('dialog', (d) => void d.accept())
  })
  afterAll(async () => {
    if (example && example.exitCode === null) {
      const exited = new Promise((r) => example!.once('exit', r))
      example.kill('SIGTERM')
      await exited
    }
    await browser?.close()
    await t?.close()
    rmSync(storage, { recursive: true, force: true })
  })

  it('issue in the console → verifyLicense accepts the copied key; suspend with a reason → the example app shows suspended after refresh()', async () => {
    const owner = await createStaff(t, 'owner')
    await page.goto(`${base}/console/login`)
    await signInConsole(page, t, owner)
    await page.getByRole('heading', { name: 'Overview' }).waitFor()

    await page.goto(`${base}/console/licenses/new?customer=${customerId}`)
    await page
      .locator('#planId')
      .selectOption({ label: 'Enterprise (acme-app / enterprise, 365 days)' })
    await page.getByRole('button', { name: 'Issue license' }).click()
    const key = (await page.locator('[data-testid="license-key"]').textContent())!.trim()
    expect(key.length).toBeGreaterThan(100)

    const jwks = (await (await fetch(`${base}/.well-known/jwks.json`)).json()) as Jwks
    const verified = verifyLicense(key, jwks)
    expect(verified.claims.tier).toBe('enterprise')
    expect(verified.claims.sub).toBe(customerId)
    const licenseId = verified.id

    const started = await startExampleApp({
      TOLLGATE_URL: base.replace('localhost', '127.0.0.1'),
      TOLLGATE_LICENSE_KEY: key,
      TOLLGATE_STORAGE_DIR: storage,
      TOLLGATE_CHECK_INTERVAL_MS: '60000',
    })
    example = started.child
    const refresh = async () => {
      const res = await fetch(`${started.url}/demo/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offsetMinutes: 0 }),
      })
      expect(res.status).toBe(200)
      return ((await res.json()) as { state: { code: string; licenseId: string | null } }).state
    }
    expect(await refresh()).toMatchObject({ code: 'valid', licenseId })
    // The app's validations and heartbeats reach the overview chart after a flush.
    await fetch(`${base}/v1/licenses/validate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key }),
    })
    await t.app.fleet.requests.flush()

    await page.goto(`${base}/console/licenses/${licenseId}`)
    await page.getByRole('heading', { name: /License/ }).waitFor()
    await page
      .getByLabel(/Reason/)
      .first()
      .fill('invoice 4711 unpaid')
    await page.getByRole('button', { name: 'Suspend' }).click()
    await page.locator('h1 .badge.suspended').waitFor()
    await docsScreenshot(page, 'console-license-detail', { docs: true })
    expect(await refresh()).toMatchObject({ code: 'suspended', licenseId })
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'after'])
      .where('target_id', '=', licenseId)
      .where('action', '=', 'license.suspend')
      .executeTakeFirstOrThrow()
    expect(audit.actor).toBe(`staff:${owner.id}`)
    expect(JSON.stringify(audit.after)).toContain('invoice 4711 unpaid')

    // Screenshots of the main pages (build artifacts; DOCS_SCREENSHOTS=1 refreshes docs/images).
    await page.goto(`${base}/console`)
    await page.locator('#requests-per-hour').waitFor()
    expect(await page.locator('#requests-per-hour figcaption').first().textContent()).toMatch(
      /Validations per hour \(total [1-9]/,
    )
    await docsScreenshot(page, 'console-overview', { docs: true })
    for (const [path, name] of [
      ['/console/licenses', 'console-licenses'],
      [`/console/customers/${customerId}`, 'console-customer'],
      ['/console/customers', 'console-customers'],
      ['/console/plans', 'console-plans'],
      ['/console/keys', 'console-keys'],
      ['/console/audit', 'console-audit'],
    ] as const) {
      await page.goto(`${base}${path}`)
      await page.locator('main h1').first().waitFor()
      await docsScreenshot(page, name, { docs: DOCS_PAGES.has(name) })
    }
    await page.goto(`${base}/console/keys`)
    await page.getByRole('heading', { name: /Signing keys/ }).scrollIntoViewIfNeeded()
    await docsScreenshot(page, 'console-signing-keys')
  })
})
