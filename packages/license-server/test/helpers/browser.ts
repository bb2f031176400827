import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { TestApp } from './test-app.js'

/** Debian's Chromium (`apt-get install -y chromium`); npm cannot download browsers here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Why browser tests skip on this machine, or undefined when Chromium is there. */
export const browserSkipReason: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`
if (browserSkipReason) console.warn(browserSkipReason)

/** Where screenshots go: `artifacts/screenshots/` at the repository root (git-ignored). */
export const SCREENSHOT_DIR = fileURLToPath(
  new URL('../../../../artifacts/screenshots/', import.meta.url),
)

/**
 * Launches headless Chromium with the flags CI uses. Playwright gives each launch a fresh
 * temporary user-data-dir (removed on close), and each `newContext()` is a clean profile, so
 * two people in one test never share cookies.
 *
 * @example
 * ```ts
 * const browser = await launchChromium()
 * const page = await (await browser.newContext()).newPage()
 * ```
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 60_000,
  })
}

/**
 * Starts the test app on 127.0.0.1 and returns its base URL (closed by `t.close()`).
 *
 * @example
 * ```ts
 * const base = await listenForBrowser(t) // 'http://127.0.0.1:40123'
 * ```
 */
export async function listenForBrowser(t: TestApp): Promise<string> {
  return t.app.listen({ port: 0, host: '127.0.0.1' })
}

/**
 * Saves a full-page screenshot as a build artifact (never committed).
 *
 * @example
 * ```ts
 * await screenshot(page, 'console-overview')
 * ```
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true })
  await page.screenshot({ path: `${SCREENSHOT_DIR}${name}.png`, fullPage: true })
}

/**
 * Collects Content-Security-Policy violations and page errors of a page (a test asserts none).
 *
 * @example
 * ```ts
 * const problems = watchPageProblems(page); ...; expect(problems).toEqual([])
 * ```
 */
export function watchPageProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text())
  })
  page.on('pageerror', (err) => problems.push(err.message))
  return problems
}
