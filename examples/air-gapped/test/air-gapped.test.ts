// The air-gapped flow driven by the real `tollgate` CLI (as a process): the vendor issues a key
// and exports the signed revocation list; the site, with no server configured, verifies the key
// against pinned vendor keys and applies the list when it is carried in.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '@tollgate/license-server'
// The server tests' helper: the run's migrated PGlite dump, instead of migrating per server.
import { migratedPglite } from '../../../packages/license-server/test/helpers/pglite-template.js'
import { bundleEntry, type Bundle } from '../../../scripts/lib/bundle.js'
import { run, start, type Child } from '../../../scripts/lib/processes.js'
import { cli, newAdminKey, type CliRunner } from '../../../scripts/lib/tollgate.js'
import { openSite, siteFiles } from '../src/index.js'

const adminKey = newAdminKey()
let vendor: FastifyInstance
let db: Awaited<ReturnType<typeof migratedPglite>> | undefined
let url: string
let dir: string
let site: string
let watcher: Child | undefined
// The CLI and the site app run a dozen times each: bundled once, they start in 0.2 s of CPU
// instead of about 1 s through tsx.
let cliBundle: Bundle | undefined
let appBundle: Bundle | undefined
let CLI: CliRunner
let APP: string[]

const target = (): { url: string; adminKey: string; configDir: string } => ({
  url,
  adminKey,
  configDir: dir,
})
const quiet = { warn: () => undefined, error: () => undefined }

async function siteState(): Promise<string> {
  const license = await openSite(site, { logger: quiet })
  const code = license.state.code
  await license.close()
  return code
}

beforeAll(async () => {
  ;[cliBundle, appBundle] = await Promise.all([
    bundleEntry('packages/cli/src/bin.ts'),
    bundleEntry('examples/air-gapped/src/main.ts'),
  ])
  CLI = [process.execPath, cliBundle.file]
  APP = [process.execPath, appBundle.file]
  db = await migratedPglite()
  vendor = await buildApp({
    db,
    env: {},
    config: { dataDir: 'memory://', bootstrapAdminKey: adminKey, logLevel: 'silent' },
    logger: false,
  })
  await vendor.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(vendor.server.address() as { port: number }).port}`
  dir = await mkdtemp(join(tmpdir(), 'tg-air-gapped-'))
  site = join(dir, 'site')
  await mkdir(site)
})

afterAll(async () => {
  await watcher?.stop()
  await vendor?.close()
  await db?.destroy() // buildApp does not close a database it was given
  if (dir) await rm(dir, { recursive: true, force: true })
  cliBundle?.remove()
  appBundle?.remove()
})

describe('air-gapped site', () => {
  let licenseId: string

  it('runs on a key and pinned vendor keys alone', async () => {
    const customer = await cli<{ id: string }>(CLI, target(), [
      'customer',
      'create',
      '--name',
      'Secure Site',
      '--email',
      'ops@site.example',
    ])
    const plan = await cli<{ id: string }>(CLI, target(), [
      'plan',
      'create',
      '--name',
      'Site',
      '--product',
      'example-app',
      '--tier',
      'site',
      '-e',
      'reports',
      '--duration-days',
      '365',
    ])
    const issued = await cli<{ license: { id: string }; token: string }>(CLI, target(), [
      'license',
      'issue',
      '--customer',
      customer.id,
      '--plan',
      plan.id,
    ])
    licenseId = issued.license.id
    const files = siteFiles(site)
    await writeFile(files.licenseKey, issued.token + '\n')
    await writeFile(files.vendorJwks, await (await fetch(`${url}/.well-known/jwks.json`)).text())
    expect(await siteState()).toBe('valid')
    const verify = await run(
      [...CLI, 'license', 'verify', files.licenseKey, '--jwks', files.vendorJwks, '--json'],
      {
        TOLLGATE_CONFIG: join(dir, 'cfg.json'),
      },
    )
    expect(verify.code).toBe(0)
    expect(verify.stdout).toContain('VALID')
  })

  it('ignores a revocation file that does not verify', async () => {
    await writeFile(siteFiles(site).revocations, 'eyJhbGciOiJFZERTQSJ9.eyJmb3JnZWQiOnRydWV9.AAAA')
    expect(await siteState()).toBe('valid')
  })

  it('activates by file: request -> tollgate activation create -> machine file -> deactivation proof', async () => {
    const second = join(dir, 'site-offline')
    await mkdir(second)
    const customer = await cli<{ id: string }>(CLI, target(), [
      'customer',
      'create',
      '--name',
      'Offline Plant',
      '--email',
      'ops@plant.example',
    ])
    const plan = await cli<{ id: string }>(CLI, target(), [
      'plan',
      'create',
      '--name',
      'Plant',
      '--product',
      'example-app',
      '--tier',
      'site',
      '-e',
      'reports',
      '--duration-days',
      '365',
      '--max-deployments',
      '1',
    ])
    const issued = await cli<{ license: { id: string }; token: string }>(CLI, target(), [
      'license',
      'issue',
      '--customer',
      customer.id,
      '--plan',
      plan.id,
    ])
    const files = siteFiles(second)
    await writeFile(files.licenseKey, issued.token + '\n')
    await writeFile(files.vendorJwks, await (await fetch(`${url}/.well-known/jwks.json`)).text())
    const app = (args: string[], env: Record<string, string> = {}) =>
      run([...APP, ...args], { SITE_DIR: second, ...env })
    const required = { SITE_REQUIRE_ACTIVATION: '1' }
    expect((await app(['--once'], required)).code).toBe(3) // not activated yet

    const request = join(dir, 'usb-request.json')
    expect((await app(['request', request])).code).toBe(0)
    const machine = join(dir, 'usb-machine.lic')
    const created = await cli<{ seats: string }>(CLI, target(), [
      'activation',
      'create',
      '--request',
      request,
      '--out',
      machine,
    ])
    expect(created.seats).toBe('1/1')
    const activated = await app(['activate', machine])
    expect(activated.stdout).toMatch(/^license: valid/m)
    expect((await app(['--once'], required)).code).toBe(0)

    const proof = join(dir, 'usb-proof.jws')
    expect((await app(['deactivate', proof])).code).toBe(0)
    expect((await app(['--once'], required)).code).toBe(3)
    const freed = await cli<{ seatFreed: boolean }>(CLI, target(), [
      'activation',
      'deactivate',
      '--proof',
      proof,
      '--yes',
    ])
    expect(freed.seatFreed).toBe(true)
  })

  it('is revoked once the exported list is carried in, and a running app notices the new file', async () => {
    watcher = start(
      'air-gapped app',
      APP,
      { SITE_DIR: site, CHECK_INTERVAL_MS: '200' },
      // Its own process group: afterAll's stop() takes its whole tree, pass or fail.
      { ownGroup: true },
    )
    await watcher.waitForLine(/^license: valid/)
    await cli(CLI, target(), [
      'license',
      'revoke',
      licenseId,
      '--reason',
      'contract ended',
      '--yes',
    ])
    const exportFile = join(dir, 'usb-revocations.jws')
    await cli(CLI, target(), ['revocations', 'export', exportFile])
    await vendor.close() // from here on, no server exists at all
    await writeFile(siteFiles(site).revocations, await readFile(exportFile))
    // Waits for the line, however long a loaded machine takes (no fixed bound below the default).
    await watcher.waitForLine(/^license: revoked/)
    expect(await siteState()).toBe('revoked')
    const verify = await run(
      [
        ...CLI,
        'license',
        'verify',
        siteFiles(site).licenseKey,
        '--jwks',
        siteFiles(site).vendorJwks,
        '--revocations',
        exportFile,
      ],
      { TOLLGATE_CONFIG: join(dir, 'cfg.json'), NO_COLOR: '1' },
    )
    expect(verify.code).toBe(3)
    expect(verify.stdout).toMatch(/REVOKED/)
  })
})
