// Issue 17, offline page in Chromium: a real license client on an "air-gapped" machine (its own
// storage dir, no server URL) writes an activation request; the customer uploads it in the
// portal and downloads the machine file, which the client accepts; the client's deactivation
// proof, pasted in, frees the seat. Bad and oversized input get a message on the page.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLicenseClient, type Jwks, type LicenseClient } from '@tollgate/license-client'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserSkipReason, screenshot, watchPageProblems } from '../helpers/browser.js'
import { startPortalBrowserEnv, type PortalBrowserEnv } from '../helpers/portal-browser.js'
import { seedPortalCustomer, type PortalCustomer } from '../portal-support.js'

describe.skipIf(browserSkipReason !== undefined)('portal offline forms in Chromium', () => {
  let env: PortalBrowserEnv
  let acme: PortalCustomer
  let dir: string
  let page: Page
  let problems: string[]
  let client: LicenseClient

  const activeSeats = async () =>
    (
      await env.t.db
        .selectFrom('deployments')
        .select('id')
        .where('license_id', '=', acme.license.id)
        .where('status', '=', 'active')
        .execute()
    ).length

  const pasted = () => page.getByLabel(/Activation request \(or paste/)
  /** Submits the form of `button` and resolves with the HTTP status of the answer. */
  const submit = async (button: string): Promise<number | undefined> => {
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: button }).click(),
    ])
    await page.waitForLoadState()
    return res.status()
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tg-portal-offline-'))
    env = await startPortalBrowserEnv()
    acme = await seedPortalCustomer(env.t, 'buyer@acme.test', { maxDeployments: 1 })
    const jwks = (await env.t.app.inject({ url: '/.well-known/jwks.json' })).json<Jwks>()
    // The air-gapped machine: pinned keys, no server URL, its own storage dir, and a machine
    // file path (set: the app runs only on a machine file, which it does not have yet).
    client = await createLicenseClient({
      token: acme.token,
      publicKeys: jwks,
      storageDir: join(dir, 'machine'),
      machineFile: join(dir, 'machine', 'installed-machine.lic'),
      appVersion: '2.4.0',
      // A made-up machine, so the committed screenshot shows no real machine id.
      machineFingerprint: () =>
        Promise.resolve({ machineId: 'a1'.repeat(16), hostname: 'plant-7', container: false }),
      logger: { warn: () => undefined, error: () => undefined },
    })
    page = await (await env.browser.newContext({ acceptDownloads: true })).newPage()
    problems = watchPageProblems(page)
    await env.signIn(page, 'buyer@acme.test')
  }, 300_000)

  afterAll(async () => {
    await client?.close()
    await env?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('an uploaded activation request gives the machine file, which the client accepts', async () => {
    expect(client.state.code).not.toBe('valid')
    const requestFile = join(dir, 'request.json')
    await client.writeActivationRequest(requestFile)
    await page.goto(`${env.base}/portal/offline`)
    await page.getByLabel('Activation request file').setInputFiles(requestFile)
    await expect.poll(() => pasted().inputValue()).toBe(await readFile(requestFile, 'utf8'))
    // docs/images/portal-offline.png is this picture (pngquant'ed).
    await page.setViewportSize({ width: 960, height: 720 })
    await screenshot(page, 'portal-offline')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Get the machine file' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('machine.lic')
    const machineFile = join(dir, 'machine.lic')
    await download.saveAs(machineFile)
    await client.activateOffline({ machineFile: await readFile(machineFile, 'utf8') })
    expect(client.state.code).toBe('valid')
    // Installed where the app looks for it after a restart.
    expect((await readFile(join(dir, 'machine', 'installed-machine.lic'), 'utf8')).trim()).toBe(
      (await readFile(machineFile, 'utf8')).trim(),
    )
    expect(await activeSeats()).toBe(1)
    await page.goto(`${env.base}/portal/licenses/${acme.license.id}`)
    const row = page.locator(`tr[data-deployment="${client.deploymentId}"]`)
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('active')
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('2.4.0')
  })

  it("the client's deactivation proof frees the seat once; again changes nothing", async () => {
    const proofFile = join(dir, 'proof.jws')
    await client.deactivateOffline(proofFile)
    expect(client.state.code).not.toBe('valid')
    const proof = await readFile(proofFile, 'utf8')
    await page.goto(`${env.base}/portal/offline`)
    await page.getByLabel(/Deactivation proof \(or paste/).fill(proof)
    expect(await submit('Free the seat')).toBe(200)
    await expect(page.getByRole('status').textContent()).resolves.toContain('The seat is free')
    expect(await activeSeats()).toBe(0)
    await page.getByLabel(/Deactivation proof \(or paste/).fill(proof)
    expect(await submit('Free the seat')).toBe(200)
    await expect(page.getByRole('status').textContent()).resolves.toContain('already used')
    expect(problems).toEqual([])
  })

  it('garbage and oversized uploads get a clear message; nothing is written', async () => {
    const before = await env.t.db
      .selectFrom('offline_activations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    await page.goto(`${env.base}/portal/offline`)
    await pasted().fill('this is not a request')
    expect(await submit('Get the machine file')).toBe(400)
    await expect(page.getByRole('alert').textContent()).resolves.toContain(
      'Activation request refused',
    )
    // A file over the request limit (16 KiB): refused by the service, with the reason.
    const big = join(dir, 'big.json')
    const bigText = JSON.stringify({ pad: 'x'.repeat(20_000) })
    await writeFile(big, bigText)
    await page.getByLabel('Activation request file').setInputFiles(big)
    await expect.poll(() => pasted().inputValue()).toBe(bigText)
    expect(await submit('Get the machine file')).toBe(400)
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/larger than \d+ bytes/)
    // A 1 MB upload: over the form limit (64 KiB), a 413 page that says so.
    const huge = join(dir, 'huge.json')
    await writeFile(huge, 'x'.repeat(1_000_000))
    await page.getByLabel('Activation request file').setInputFiles(huge)
    await expect.poll(async () => (await pasted().inputValue()).length).toBe(1_000_000)
    expect(await submit('Get the machine file')).toBe(413)
    expect(await page.content()).toContain('The form is too large')
    const after = await env.t.db
      .selectFrom('offline_activations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
    expect(await activeSeats()).toBe(0)
  })
})
