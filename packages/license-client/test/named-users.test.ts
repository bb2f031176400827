// Named users (issue 18): assignUser / releaseUser against the real server.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ConfigInvalidError,
  createLicenseClient,
  hashUserId,
  UserLimitReachedError,
  type LicenseClient,
} from '@tollgate/license-client'
import { recordingLogger, tempDir } from './client-fixtures.js'
import { startRealServer, type RealServer } from './real-server.js'

let server: RealServer
const dirs: (() => void)[] = []
const clients: LicenseClient[] = []
beforeAll(async () => {
  server = await startRealServer()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()))
  await server.close()
  for (const cleanup of dirs) cleanup()
})

async function namedUserLicense(maxUsers: number): Promise<{ id: string; token: string }> {
  const customer = await server.api<{ id: string }>('POST', '/v1/admin/customers', {
    name: 'Named',
    email: 'named@acme.test',
  })
  const plan = await server.api<{ id: string }>('POST', '/v1/admin/plans', {
    name: 'Team',
    product: 'acme-app',
    tier: 'team',
    entitlements: ['sso'],
    limits: { maxUsers },
    policy: {
      expiryGraceDays: 7,
      offlineGraceDays: 30,
      heartbeatIntervalS: 3600,
      maxDeployments: 3,
    },
    durationDays: 365,
  })
  const issued = await server.api<{ license: { id: string }; token: string }>(
    'POST',
    '/v1/admin/licenses',
    { customerId: customer.json.id, planId: plan.json.id },
  )
  return { id: issued.json.license.id, token: issued.json.token }
}

async function client(token: string, serverUrl: string | null = server.url) {
  const { dir, cleanup } = tempDir()
  dirs.push(cleanup)
  const c = await createLicenseClient({
    token,
    publicKeys: server.jwks,
    ...(serverUrl === null ? {} : { serverUrl }),
    storageDir: dir,
    autoHeartbeat: false,
    logger: recordingLogger(),
  })
  clients.push(c)
  return c
}

describe('named users', () => {
  it('hashes ids with the license id as salt (SHA-256 hex)', () => {
    const want = createHash('sha256').update('lic_1:alice').digest('hex')
    expect(hashUserId('lic_1', 'alice')).toBe(want)
    expect(hashUserId('lic_2', 'alice')).not.toBe(want)
  })

  it('assigns up to maxUsers, sends only hashes, and throws UserLimitReachedError when full', async () => {
    const lic = await namedUserLicense(2)
    const c = await client(lic.token)
    expect(await c.assignUser('alice@example.com')).toEqual({ assigned: true, used: 1, max: 2 })
    expect(await c.assignUser('alice@example.com')).toEqual({ assigned: false, used: 1, max: 2 })
    expect(await c.assignUser('bob@example.com')).toMatchObject({ used: 2 })
    await expect(c.assignUser('carol@example.com')).rejects.toBeInstanceOf(UserLimitReachedError)
    expect(await c.releaseUser('alice@example.com')).toMatchObject({ released: true, used: 1 })
    expect(await c.assignUser('carol@example.com')).toMatchObject({ assigned: true, used: 2 })

    const listed = await server.api<{ items: { userHash: string }[] }>(
      'GET',
      `/v1/admin/licenses/${lic.id}/users`,
    )
    const stored = JSON.stringify(listed.json)
    expect(stored).not.toContain('example.com')
    expect(listed.json.items.map((i) => i.userHash)).toContain(
      hashUserId(lic.id, 'carol@example.com'),
    )
  })

  it('refuses unusable ids and a client without a server with ConfigInvalidError', async () => {
    const lic = await namedUserLicense(3)
    const c = await client(lic.token)
    for (const bad of ['', 'x'.repeat(1025), null]) {
      await expect(c.assignUser(bad as string)).rejects.toBeInstanceOf(ConfigInvalidError)
    }
    const offline = await client(lic.token, null)
    await expect(offline.assignUser('a')).rejects.toBeInstanceOf(ConfigInvalidError)
  })
})
