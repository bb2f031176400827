import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  browserSkipReason,
  launchChromium,
  listenForBrowser,
  screenshot,
  watchPageProblems,
} from '../helpers/browser.js'
import { createTestApp, type TestApp } from '../helpers/test-app.js'
import { registerWebDemo } from '../helpers/web-demo.js'

describe.skipIf(browserSkipReason !== undefined)('web foundation in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let base: string
  beforeAll(async () => {
    t = await createTestApp()
    await registerWebDemo(t.app, t.tenantId)
    base = await listenForBrowser(t)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('signs in through a real form: __Host- cookie, HttpOnly, scripts load under the CSP', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const problems = watchPageProblems(page)
    await page.goto(`${base}/webdemo/`)
    expect(new URL(page.url()).pathname).toBe('/webdemo/login')
    await page.getByLabel('Name').fill('<img src=x onerror=alert(1)>')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/webdemo`)
    expect(await page.locator('#who').textContent()).toBe('<img src=x onerror=alert(1)>')
    const cookies = await context.cookies()
    const session = cookies.find((c) => c.name === '__Host-tg_console')
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' })
    expect(await page.evaluate('document.cookie')).toBe('')
    // web.js ran (it exposes the CSRF token to fetch callers): the CSP allowed our own script.
    expect(await page.evaluate('typeof window.tollgateCsrf')).toBe('string')
    await screenshot(page, 'web-foundation-home')
    expect(problems).toEqual([])
    await context.close()
  })

  it('the CSP blocks an injected inline script, and a fetch without the CSRF token gets 403', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const violations: string[] = []
    page.on('console', (msg) => violations.push(msg.text()))
    await page.goto(`${base}/webdemo/login`)
    const ran = await page.evaluate(`(() => {
      const s = document.createElement('script')
      s.textContent = 'window.injected = true'
      document.head.appendChild(s)
      return window.injected === true
    })()`)
    expect(ran).toBe(false)
    expect(violations.join('\n')).toMatch(/Content Security Policy/)
    const status = await page.evaluate(async () => {
      const res = await fetch('/webdemo/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'name=x',
      })
      return res.status
    })
    expect(status).toBe(403)
    await context.close()
  })
})
