import { copyFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { currentCode, type TestStaff } from './console-support.js'
import { SCREENSHOT_DIR } from './browser.js'
import type { TestApp } from './test-app.js'

/** Where the committed documentation screenshots live (`docs/images/`). */
export const DOCS_IMAGES_DIR = fileURLToPath(new URL('../../../../docs/images/', import.meta.url))

/**
 * Signs a member in through the console's password + TOTP forms (the page is on
 * `/console/login`, or any inner page that redirected there).
 *
 * @example
 * ```ts
 * await page.goto(`${base}/console/login`)
 * await signInConsole(page, t, member)
 * ```
 */
export async function signInConsole(page: Page, t: TestApp, member: TestStaff): Promise<void> {
  await page.getByLabel('Email').fill(member.email)
  await page.getByLabel('Password').fill(member.password)
  await page.getByRole('button', { name: 'Continue' }).click()
  t.clock.advance(30_000)
  await page.getByLabel(/Code from your authenticator/).fill(currentCode(t, member))
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/**
 * Saves a viewport-sized screenshot (1280×800 in the console tests) as a build artifact
 * (`artifacts/screenshots/`, git-ignored); a `docs` one is also copied to `docs/images/` (for
 * `docs/console.md`) when `DOCS_SCREENSHOTS=1`.
 *
 * @example
 * ```ts
 * await docsScreenshot(page, 'console-overview', { docs: true })
 * ```
 */
export async function docsScreenshot(
  page: Page,
  name: string,
  opts: { docs?: boolean } = {},
): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  const path = `${SCREENSHOT_DIR}${name}.png`
  await page.screenshot({ path, fullPage: false })
  if (opts.docs === true && process.env.DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS_IMAGES_DIR, { recursive: true })
    copyFileSync(path, `${DOCS_IMAGES_DIR}${name}.png`)
  }
}
