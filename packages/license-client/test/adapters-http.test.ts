import type { AddressInfo } from 'node:net'
import express from 'express'
import Fastify from 'fastify'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  FeatureNotEntitledError,
  LicenseNotValidError,
  createLicenseClient,
  expressLicense,
  licensed,
  signRevocationList,
  type LicenseClient,
} from '@tollgate/license-client'
// The shipped augmentation types app.requireFeature / app.license (no local declare module).
import { fastifyLicense, requireFeatureHook } from '@tollgate/license-client/fastify'
import { DAY } from './helpers.js'
import { EXPIRES, LID, jwks, recordingLogger, tempDir, token, vendor } from './client-fixtures.js'

const NOW = EXPIRES - 10 * DAY
const tmp = tempDir()
let client: LicenseClient

beforeAll(async () => {
  client = await createLicenseClient({
    token,
    publicKeys: jwks,
    storageDir: tmp.dir,
    now: () => NOW,
    logger: recordingLogger(),
  })
})
afterAll(async () => {
  await client.close()
  tmp.cleanup()
})

/** A separate client whose clock sits at `at` (moving one client's clock back is tampering). */
async function clientAt(at: number): Promise<LicenseClient> {
  return createLicenseClient({
    token,
    publicKeys: jwks,
    storageDir: `${tmp.dir}/at-${at}`,
    now: () => at,
    logger: recordingLogger(),
  })
}

describe('Fastify plugin', () => {
  async function app(c = client) {
    const f = Fastify()
    await f.register(fastifyLicense, { client: c })
    f.get('/sso', { preHandler: f.requireFeature('sso') }, async () => ({ ok: true }))
    f.get('/saml', { preHandler: requireFeatureHook(c, 'saml') }, async () => ({ ok: true }))
    f.get('/state', async () => f.license.state.code)
    return f
  }

  it('lets an entitled feature through and decorates the root instance', async () => {
    const f = await app()
    const res = await f.inject('/sso')
    expect([res.statusCode, res.json()]).toEqual([200, { ok: true }])
    expect((await f.inject('/state')).body).toBe('valid')
    await f.close()
  })

  it('answers 402 with the feature and state for a feature the plan lacks', async () => {
    const f = await app()
    const res = await f.inject('/saml')
    expect(res.statusCode).toBe(402)
    expect(res.headers['content-type']).toMatch(/application\/json/)
    expect(res.json()).toMatchObject({
      code: 'FEATURE_NOT_ENTITLED',
      status: 402,
      feature: 'saml',
      licenseState: 'valid',
    })
    await f.close()
  })

  it('answers 403 naming the license state when the license is restricted', async () => {
    const expired = await clientAt(EXPIRES + 30 * DAY)
    const f = await app(expired)
    const res = await f.inject('/sso')
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({
      code: 'LICENSE_NOT_VALID',
      status: 403,
      feature: 'sso',
      licenseState: 'expired',
    })
    expect(res.json<{ reason: string }>().reason).toMatch(/Expired/)
    await f.close()
    await expired.close()
  })

  it('grace states keep serving', async () => {
    const grace = await clientAt(EXPIRES + DAY)
    const f = await app(grace)
    const res = await f.inject('/sso')
    expect(res.statusCode).toBe(200)
    expect(grace.state.code).toBe('grace_expired')
    await f.close()
    await grace.close()
  })
})

describe('Express / Connect middleware', () => {
  let url: string
  let close: () => void
  beforeAll(async () => {
    const app = express()
    const license = expressLicense(client)
    app.get('/sso', license.requireFeature('sso'), (_req, res) => void res.json({ ok: true }))
    app.get('/saml', license.requireFeature('saml'), (_req, res) => void res.json({ ok: true }))
    const server = app.listen(0)
    await new Promise((r) => server.once('listening', r))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    close = () => server.close()
  })
  afterAll(() => close())

  it('passes, 402s and 403s like the Fastify plugin', async () => {
    const ok = await request(`${url}/sso`)
    expect([ok.statusCode, await ok.body.json()]).toEqual([200, { ok: true }])
    const lacking = await request(`${url}/saml`)
    expect([lacking.statusCode, await lacking.body.json()]).toEqual([
      402,
      expect.objectContaining({
        code: 'FEATURE_NOT_ENTITLED',
        feature: 'saml',
        licenseState: 'valid',
      }),
    ])
    const list = signRevocationList(
      {
        revoked: [LID],
        suspended: [],
        nextUpdate: new Date(EXPIRES),
        issuedAt: new Date(EXPIRES - 11 * DAY),
      },
      vendor,
    )
    const revokedClient = await createLicenseClient({
      token,
      publicKeys: jwks,
      storageDir: `${tmp.dir}/revoked`,
      now: () => NOW,
      logger: recordingLogger(),
      revocationListFile: await writeTemp(list),
    })
    const app = express()
    app.get(
      '/sso',
      expressLicense(revokedClient).requireFeature('sso'),
      (_req, res) => void res.json({ ok: true }),
    )
    const server = app.listen(0)
    await new Promise((r) => server.once('listening', r))
    const res = await request(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sso`)
    expect([res.statusCode, await res.body.json()]).toEqual([
      403,
      expect.objectContaining({
        code: 'LICENSE_NOT_VALID',
        feature: 'sso',
        licenseState: 'revoked',
      }),
    ])
    server.close()
    await revokedClient.close()
  })
})

describe('licensed(feature, fn)', () => {
  it('runs the function while the feature is usable, and throws a typed error otherwise', async () => {
    const double = licensed(client, 'sso', (n: number) => n * 2)
    expect(double(21)).toBe(42)
    expect(() => licensed(client, 'saml', (n: number) => n)(1)).toThrow(FeatureNotEntitledError)
    const expired = await clientAt(EXPIRES + 30 * DAY)
    expect(() => licensed(expired, 'sso', (n: number) => n)(1)).toThrow(LicenseNotValidError)
    await expired.close()
  })

  it('rejects (not throws) for async functions, and uses a fallback when given', async () => {
    const load = client.licensed('saml', async (id: string) => `report ${id}`)
    const pending = load('r1')
    expect(pending).toBeInstanceOf(Promise)
    await expect(pending).rejects.toMatchObject({ code: 'FEATURE_NOT_ENTITLED', feature: 'saml' })
    const safe = licensed(client, 'saml', (id: string) => `report ${id}`, {
      fallback: (err, id) => `${err.code} ${id}`,
    })
    expect(safe('r2')).toBe('FEATURE_NOT_ENTITLED r2')
  })
})

async function writeTemp(text: string): Promise<string> {
  const { writeFile } = await import('node:fs/promises')
  const file = `${tmp.dir}/rl-${Math.random().toString(36).slice(2)}.jws`
  await writeFile(file, text)
  return file
}
