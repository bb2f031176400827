// What the portal's browser tests share: a real app mailing through a local SMTP catcher,
// Chromium, and signing in with the code read from the catcher.
import type { Browser, Page } from 'playwright-core'
import { expect } from 'vitest'
import type { BillingConfig } from '../../src/billing/billing.config.js'
import { billingConfig } from '../billing-fixtures.js'
import { launchChromium, listenForBrowser } from './browser.js'
import { fakeSmtp } from './fake-smtp.js'
import { createTestApp, type TestApp } from './test-app.js'

/** A portal on a port, its mailbox and a browser. */
export interface PortalBrowserEnv {
  t: TestApp
  /** `http://localhost:<port>` (a secure context for WebAuthn). */
  base: string
  /** The same server on `127.0.0.1`, for processes that are not the browser. */
  serverUrl: string
  browser: Browser
  smtp: Awaited<ReturnType<typeof fakeSmtp>>
  /** The next sign-in code mailed to `to` after the `after`-th accepted mail. */
  mailedCode(to: string, after: number): Promise<string>
  /** Signs `email` in on `page` with a mailed code; ends on `/portal`. */
  signIn(page: Page, email: string): Promise<void>
  close(): Promise<void>
}

/**
 * Starts the app (SMTP to a local catcher, plus `billing` overrides) and Chromium.
 *
 * @example
 * ```ts
 * const env = await startPortalBrowserEnv()
 * await env.signIn(await (await env.browser.newContext()).newPage(), 'buyer@acme.test')
 * ```
 */
export async function startPortalBrowserEnv(
  billing: Partial<BillingConfig> = {},
): Promise<PortalBrowserEnv> {
  const smtp = await fakeSmtp()
  const t = await createTestApp({
    config: {
      billing: billingConfig({
        ...billing,
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          secure: false,
          user: undefined,
          password: undefined,
          from: 'licenses@vendor.test',
        },
      }),
    },
  })
  const base = await listenForBrowser(t)
  const browser = await launchChromium()

  async function mailedCode(to: string, after: number): Promise<string> {
    for (let i = 0; i < 600; i++) {
      const mail = smtp.accepted
        .slice(after)
        .find((m) => m.to.includes(to) && /sign-in code/.test(m.data))
      const code = mail && /^\s+([0-9]{6})\s*$/m.exec(mail.data)?.[1]
      if (code) return code
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`no sign-in code mailed to ${to}`)
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/portal`)
    expect(new URL(page.url()).pathname).toBe('/portal/login')
    const sent = smtp.accepted.length
    await page.getByLabel('Email').fill(email)
    await page.getByRole('button', { name: 'Email me a code' }).click()
    await page.getByLabel('Code').waitFor()
    await page.getByLabel('Code').fill(await mailedCode(email, sent))
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.waitForURL(`${base}/portal`)
  }

  return {
    t,
    base,
    serverUrl: base.replace('localhost', '127.0.0.1'),
    browser,
    smtp,
    mailedCode,
    signIn,
    close: async () => {
      await browser.close()
      await t.close()
      smtp.server.close()
    },
  }
}
