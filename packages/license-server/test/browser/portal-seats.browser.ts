// Issue 17: "free a seat and watch the example app's seat become available to a second
// machine". Two real example-app processes (examples/self-hosted-app), each with its own
// storage dir, on a license with one seat; the customer frees the dead machine's seat in
// Chromium and the second machine takes it on its own next round.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserSkipReason, screenshot, watchPageProblems } from '../helpers/browser.js'
import { startExampleMachine, type ExampleMachine } from '../helpers/example-app-machine.js'
import { startPortalBrowserEnv, type PortalBrowserEnv } from '../helpers/portal-browser.js'
import { seedPortalCustomer, type PortalCustomer } from '../portal-support.js'

// Starting a tsx process takes tens of seconds on a loaded 2-core machine.
const SLOW = { timeout: 600_000 }

describe.skipIf(browserSkipReason !== undefined)('portal seats with example-app machines', () => {
  let env: PortalBrowserEnv
  let acme: PortalCustomer
  let dir: string
  let page: Page
  let problems: string[]
  const machines: ExampleMachine[] = []
  const ids: { a?: string; b?: string } = {}

  const machine = async (name: string, storage: string): Promise<ExampleMachine> => {
    const m = await startExampleMachine(name, {
      serverUrl: env.serverUrl,
      licenseFile: join(dir, 'license.key'),
      storageDir: join(dir, storage),
    })
    machines.push(m)
    return m
  }
  const row = (deploymentId: string) => page.locator(`tr[data-deployment="${deploymentId}"]`)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tg-portal-seats-'))
    env = await startPortalBrowserEnv()
    // One seat; a 10 s heartbeat caps a refused machine's retry backoff at 10 s.
    acme = await seedPortalCustomer(env.t, 'buyer@acme.test', {
      maxDeployments: 1,
      heartbeatIntervalS: 10,
    })
    await writeFile(join(dir, 'license.key'), `${acme.token}\n`)
    const context = await env.browser.newContext()
    page = await context.newPage()
    problems = watchPageProblems(page)
    await env.signIn(page, 'buyer@acme.test')
  }, 300_000)

  afterAll(async () => {
    // Process groups first: a failed test must not leave example apps running.
    await Promise.all(machines.map((m) => m.kill()))
    await env?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('machine A takes the only seat; machine B, another process, is refused', SLOW, async () => {
    const a = await machine('machine A', 'storage-a')
    ids.a = (await a.waitForState('valid')).deploymentId
    const b = await machine('machine B', 'storage-b')
    const refused = await b.waitForState('over_limit')
    ids.b = refused.deploymentId
    expect(refused.state.reason).toMatch(/TOO_MANY_DEPLOYMENTS/)
    expect(ids.b).not.toBe(ids.a)
    await page.goto(`${env.base}/portal/licenses/${acme.license.id}`)
    await expect(row(ids.a).locator('td').nth(1).textContent()).resolves.toBe('active')
  })

  it('shows 12 months of usage reported for machine A as a chart', async () => {
    const d = env.t.clock.now()
    const month = (back: number) =>
      new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 3)).toISOString().slice(0, 10)
    const usage = await env.t.app.inject({
      method: 'POST',
      url: '/v1/usage',
      payload: {
        key: acme.token,
        deploymentId: ids.a,
        batchId: 'browser-usage-1',
        counters: [0, 1, 2, 3, 4, 5].flatMap((back) => [
          { metric: 'users', amount: 20 + back * 5, period: month(back) },
          { metric: 'reports', amount: 300 - back * 40, period: month(back) },
        ]),
      },
    })
    expect(usage.statusCode, usage.body).toBe(200)
    await page.goto(`${env.base}/portal/licenses/${acme.license.id}`)
    expect(await page.locator('figure.usage[data-metric="users"] rect.bar').count()).toBe(12)
    await screenshot(page, 'portal-license')
  })

  it('A dies; the customer frees its seat in the portal and B gets it', SLOW, async () => {
    await machines[0]!.kill()
    await page.goto(`${env.base}/portal/licenses/${acme.license.id}`)
    await row(ids.a!).getByRole('button', { name: 'Free this seat' }).click()
    await expect(page.getByRole('status').textContent()).resolves.toContain('The seat is free')
    // No nudge: B's own retry round finds the free seat.
    const b = await machines[1]!.waitForState('valid')
    expect(b.deploymentId).toBe(ids.b)
    await page.reload()
    await expect(row(ids.b!).locator('td').nth(1).textContent()).resolves.toBe('active')
    // A coming back (same storage dir, same deployment id) finds the seat taken.
    const again = await machine('machine A again', 'storage-a')
    expect((await again.waitForState('over_limit')).deploymentId).toBe(ids.a)
  })

  it('the cooldown refuses a second reset; B keeps its seat', SLOW, async () => {
    // The refusal below is a 409 page, which Chromium logs: no other problem before it.
    expect(problems).toEqual([])
    await page.goto(`${env.base}/portal/licenses/${acme.license.id}`)
    await row(ids.b!).getByRole('button', { name: 'Free this seat' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toContain('freed recently')
    await screenshot(page, 'portal-seat-cooldown')
    await expect(row(ids.b!).locator('td').nth(1).textContent()).resolves.toBe('active')
    expect((await machines[1]!.status()).state.code).toBe('valid')
  })
})
