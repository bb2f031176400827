import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exportPem, generateKeyPair, verifyLicense, type Jwks } from '@tollgate/license-client'
import type { FastifyInstance } from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { seedMigratedDataDir } from './helpers/pglite-template.js'
import { TEST_MASTER_KEY } from './helpers/test-app.js'
import { TEST_DATABASE_URL, TEST_DB_KIND, createPostgresDatabase } from './helpers/test-db.js'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

/** Where a "server" keeps its data: a PGlite dir, or a fresh Postgres database. */
async function storage(): Promise<Record<string, string>> {
  if (TEST_DB_KIND === 'postgres') {
    const pg = await createPostgresDatabase()
    cleanups.push(pg.drop)
    return { DATABASE_URL: pg.url, MASTER_KEY: TEST_MASTER_KEY }
  }
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-restart-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  // Starts from the run's migrated dump: migrating an empty directory on disk is what bin.test
  // and data-dir.test cover; here it only cost minutes under load.
  await seedMigratedDataDir(dir)
  return { DATA_DIR: dir }
}

const start = (env: Record<string, string>) =>
  buildApp({ env: { ...env, LOG_LEVEL: 'silent' }, logger: false })

async function call(
  app: FastifyInstance,
  key: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
) {
  return app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}` },
    ...(payload ? { payload } : {}),
  })
}

describe(`data and keys survive restarts (${TEST_DB_KIND})`, () => {
  it('bootstraps once, then reuses tenant, admin key, signing keys and data', async () => {
    const env = await storage()
    const first = await start(env)
    const boot = first.tollgate.bootstrap
    expect(boot.created).toBe(true)
    const adminKey = boot.ownerKey!
    expect(adminKey).toMatch(/^tg_admin_/)
    if (env.DATA_DIR) {
      // The generated master key is private to the owner.
      expect(statSync(join(env.DATA_DIR, 'master.key')).mode & 0o777).toBe(0o600)
    }
    const cus = (
      await call(first, adminKey, 'POST', '/v1/admin/customers', { name: 'Acme' })
    ).json<{ id: string }>()
    const plan = (
      await call(first, adminKey, 'POST', '/v1/admin/plans', {
        name: 'Pro',
        product: 'app',
        tier: 'pro',
        entitlements: ['sso'],
        policy: {
          expiryGraceDays: 1,
          offlineGraceDays: 1,
          heartbeatIntervalS: 60,
          maxDeployments: 1,
        },
      })
    ).json<{ id: string }>()
    const issued = await call(first, adminKey, 'POST', '/v1/admin/licenses', {
      customerId: cus.id,
      planId: plan.id,
    })
    const { token, license } = issued.json<{
      token: string
      license: { id: string; kid: string }
    }>()
    // Rotate, so one token is signed by the older key when we come back.
    expect((await call(first, adminKey, 'POST', '/v1/admin/signing-keys/rotate')).statusCode).toBe(
      201,
    )
    const second = (
      await call(first, adminKey, 'POST', '/v1/admin/licenses', {
        customerId: cus.id,
        planId: plan.id,
      })
    ).json<{ token: string; license: { kid: string } }>()
    expect(second.license.kid).not.toBe(license.kid)
    await first.close()

    const again = await start(env)
    try {
      expect(again.tollgate.bootstrap).toEqual({ tenantId: boot.tenantId, created: false })
      const got = await call(again, adminKey, 'GET', `/v1/admin/licenses/${license.id}`)
      expect(got.statusCode).toBe(200)
      const jwks = (
        await again.inject({ method: 'GET', url: '/.well-known/jwks.json' })
      ).json<Jwks>()
      expect(verifyLicense(token, jwks).id).toBe(license.id)
      expect(verifyLicense(second.token, jwks).kid).toBe(second.license.kid)
      for (const key of [token, second.token]) {
        const v = await again.inject({
          method: 'POST',
          url: '/v1/licenses/validate',
          payload: { key },
        })
        expect(v.json<{ code: string }>().code).toBe('VALID')
      }
      // The decrypted signing key still signs after the restart.
      const third = await call(again, adminKey, 'POST', '/v1/admin/licenses', {
        customerId: cus.id,
        planId: plan.id,
      })
      expect(third.json<{ license: { kid: string } }>().license.kid).toBe(second.license.kid)
      const audit = (
        await call(again, adminKey, 'GET', '/v1/admin/audit?action=tenant.create')
      ).json<{ items: unknown[] }>()
      expect(audit.items).toHaveLength(1)
    } finally {
      await again.close()
    }
  })

  it('bootstraps with a given signing key (SIGNING_KEY_FILE) and owner key (BOOTSTRAP_ADMIN_KEY)', async () => {
    const env = await storage()
    const pair = generateKeyPair()
    const dir = mkdtempSync(join(tmpdir(), 'tollgate-key-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const pemPath = join(dir, 'signing.pem')
    writeFileSync(pemPath, exportPem(pair.privateKey), { mode: 0o600 })
    const ownerKey = `tg_admin_${'Q'.repeat(40)}`
    const app = await start({ ...env, SIGNING_KEY_FILE: pemPath, BOOTSTRAP_ADMIN_KEY: ownerKey })
    try {
      expect(app.tollgate.bootstrap.ownerKey).toBe(ownerKey)
      const jwks = (await app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json<Jwks>()
      expect(jwks.keys.map((k) => k.kid)).toEqual([pair.kid])
      expect((await call(app, ownerKey, 'GET', '/v1/admin/signing-keys')).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('refuses Postgres without MASTER_KEY, naming it', async () => {
    // Checked before any connection is made, so an unreachable URL is enough.
    const env = { DATABASE_URL: TEST_DATABASE_URL ?? 'postgres://nobody@127.0.0.1:1/none' }
    await expect(buildApp({ env, logger: false })).rejects.toThrow(/MASTER_KEY/)
  })

  it('refuses to start with a master key that does not decrypt the stored signing keys', async () => {
    const env = await storage()
    const first = await start({ ...env, MASTER_KEY: 'cd'.repeat(32) })
    await first.close()
    await expect(start({ ...env, MASTER_KEY: 'ef'.repeat(32) })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      variable: 'MASTER_KEY',
    })
  })
})
