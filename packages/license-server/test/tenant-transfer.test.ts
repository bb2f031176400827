import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRelayIdentity, relayRequestOf } from '@tollgate/license-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POLICY, post, seedLicense, validate, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

const PASSPHRASE = 'correct horse battery staple'
const OTHER_MASTER_KEY = 'cd'.repeat(32)

interface Summary {
  tenantId: string
  createdTenant: boolean
  complete: boolean
  signingKeys: string
  createdSigningKey: string | null
  counts: Record<string, { inserted: number; unchanged: number; conflicts: number }>
  conflictCount: number
  conflicts: { line: number; type: string; id: string | null; code: string }[]
}

async function exportFrom(
  t: TestApp,
  body: Record<string, unknown> = {},
  key?: string,
): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/export',
    headers: { authorization: `Bearer ${key ?? t.adminKey}` },
    payload: body,
  })
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/)
  return res.body
}

async function importInto(
  t: TestApp,
  file: string,
  opts: { key?: string; passphrase?: string } = {},
): Promise<{ status: number; body: Summary & { code?: string } }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/v1/admin/import',
    headers: {
      authorization: `Bearer ${opts.key ?? t.adminKey}`,
      'content-type': 'application/x-ndjson',
      ...(opts.passphrase ? { 'tollgate-export-passphrase': opts.passphrase } : {}),
    },
    payload: file,
  })
  return { status: res.statusCode, body: res.json() }
}

const types = (file: string): string[] =>
  file
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { type: string }).type)

describe('tenant export / import (issue 19)', () => {
  let a: TestApp
  let b: TestApp
  let token: string
  let revokedToken: string
  let encrypted: string

  beforeAll(async () => {
    a = await createTestApp()
    b = await createTestApp({ config: { masterKey: OTHER_MASTER_KEY } })
    const seeded = await seedLicense(a, { license: { metadata: { crm: 'X-1' } } })
    token = seeded.token
    const other = await post<{ license: Obj; token: string }>(a, '/v1/admin/licenses', {
      customerId: seeded.customer.id,
      planId: seeded.plan.id,
    })
    revokedToken = other.token
    await post(a, `/v1/admin/licenses/${other.license.id}/revoke`, { reason: 'refund' }, 200)
    await post(a, '/v1/deployments/activate', { key: token, deploymentId: 'host-1' }, 200)
    encrypted = await exportFrom(a, { passphrase: PASSPHRASE, audit: true })
  })

  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  it('writes a versioned JSON Lines file: header, sections, end; no secret in clear', () => {
    const lines = types(encrypted)
    expect(lines[0]).toBe('header')
    expect(lines.at(-1)).toBe('end')
    const header = JSON.parse(encrypted.split('\n')[0]!) as Obj
    expect(header).toMatchObject({
      format: 'tollgate-export',
      version: 1,
      signingKeys: 'encrypted',
    })
    expect((header.tenant as Obj).id).toBe(a.tenantId)
    for (const t of [
      'signing_key',
      'api_key',
      'customer',
      'plan',
      'license',
      'deployment',
      'audit',
    ]) {
      expect(lines).toContain(t)
    }
    expect(encrypted).not.toContain('PRIVATE KEY')
    expect(encrypted).not.toContain('private_key_enc')
    expect(encrypted).not.toContain(a.adminKey)
    expect(encrypted).toContain('"X-1"')
  })

  it('imports into a fresh server with the same ids: the same keys validate there', async () => {
    const { status, body } = await importInto(b, encrypted, { passphrase: PASSPHRASE })
    expect(status, JSON.stringify(body)).toBe(200)
    expect(body).toMatchObject({
      tenantId: a.tenantId,
      createdTenant: true,
      complete: true,
      signingKeys: 'private',
      createdSigningKey: null,
      conflictCount: 0,
    })
    expect(body.counts.license!.inserted).toBe(2)
    expect(body.counts.deployment!.inserted).toBe(1)
    const valid = await validate(b, token)
    expect(valid.valid).toBe(true)
    expect((await validate(b, revokedToken)).code).toBe('REVOKED')
    // A's owner key (its hash travelled) administers the tenant on B; new tokens use A's key.
    const list = await a.app.inject({ method: 'GET', url: '/v1/admin/licenses' })
    expect(list.statusCode).toBe(401)
    const onB = await b.request('GET', '/v1/admin/licenses', undefined, a.adminKey)
    expect(onB.statusCode).toBe(200)
    expect(onB.json<{ items: Obj[] }>().items).toHaveLength(2)
    const customers = (await b.request('GET', '/v1/admin/customers', undefined, a.adminKey)).json<{
      items: Obj[]
    }>()
    const plans = (await b.request('GET', '/v1/admin/plans', undefined, a.adminKey)).json<{
      items: Obj[]
    }>()
    const issued = await post<{ token: string }>(
      b,
      '/v1/admin/licenses',
      { customerId: customers.items[0]!.id, planId: plans.items[0]!.id },
      201,
      a.adminKey,
    )
    expect((await validate(b, issued.token)).valid).toBe(true)
    const keys = (await b.request('GET', '/v1/admin/signing-keys', undefined, a.adminKey)).json<{
      items: { kid: string; signing: boolean }[]
    }>()
    expect(keys.items.find((k) => k.signing)?.kid).toBe(a.signingKey.kid)
  })

  it('a second run is a no-op; a changed row is a typed conflict, never overwritten', async () => {
    const again = await importInto(b, encrypted, { passphrase: PASSPHRASE })
    expect(again.status).toBe(200)
    expect(again.body.createdTenant).toBe(false)
    expect(again.body.conflictCount).toBe(0)
    expect(Object.values(again.body.counts).every((c) => c.inserted === 0)).toBe(true)
    const changed = encrypted.replace('"name":"Acme Corp"', '"name":"Evil Corp"')
    const res = await importInto(b, changed, { passphrase: PASSPHRASE })
    expect(res.body.conflicts).toEqual([
      expect.objectContaining({ type: 'customer', code: 'EXISTS_DIFFERENT' }),
    ])
    const garbage = `${encrypted.trim()}\n{"type":"license","row":{"id":"lic_x","nope":1}}\nnot json\n`
    const bad = await importInto(b, garbage, { passphrase: PASSPHRASE })
    expect(bad.body.conflicts.map((c) => c.code).sort()).toEqual(['INVALID_LINE', 'INVALID_ROW'])
  })

  it('private keys need the passphrase; without one the keys come in verify-only', async () => {
    const c = await createTestApp({ config: { masterKey: 'ef'.repeat(32) } })
    try {
      expect((await importInto(c, encrypted)).body.code).toBe('IMPORT_PASSPHRASE_REQUIRED')
      const wrong = await importInto(c, encrypted, { passphrase: 'not the passphrase at all' })
      expect(wrong.body.code).toBe('IMPORT_PASSPHRASE_WRONG')
      const plain = await exportFrom(a)
      expect(plain).not.toContain('privateKey')
      expect(types(plain)).not.toContain('audit')
      const res = await importInto(c, plain)
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.signingKeys).toBe('verify-only')
      expect(res.body.createdSigningKey).toEqual(expect.any(String))
      expect((await validate(c, token)).valid).toBe(true)
    } finally {
      await c.close()
    }
  })

  it('is tenant-scoped: a key exports only its tenant and cannot import into another', async () => {
    const other = await b.addTenant('other')
    const mine = await exportFrom(b, {}, other.adminKey)
    expect(mine).toContain(other.tenantId)
    expect(mine).not.toContain(a.tenantId)
    expect(mine).not.toContain(b.tenantId)
    const res = await importInto(b, encrypted, { key: other.adminKey, passphrase: PASSPHRASE })
    expect(res.status).toBe(403)
    expect(res.body.code).toBe('IMPORT_TENANT_FORBIDDEN')
    const scoped = await post<{ secret: string }>(b, '/v1/admin/api-keys', {
      name: 'ro',
      scopes: ['licenses:read'],
    })
    const denied = await b.app.inject({
      method: 'POST',
      url: '/v1/admin/export',
      headers: { authorization: `Bearer ${scoped.secret}` },
      payload: {},
    })
    expect(denied.statusCode).toBe(403)
    const json = await b.request('POST', '/v1/admin/import', { not: 'ndjson' })
    expect(json.statusCode).toBe(415)
  })

  it('carries seat pools: the importing server still counts them and refuses an overbooking pool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-transfer-pool-'))
    const src = await createTestApp()
    const dst = await createTestApp({ config: { masterKey: 'ab'.repeat(32) } })
    try {
      const identity = (await loadRelayIdentity(join(dir, 'relay'), true))!
      const fingerprint = () =>
        Promise.resolve({
          machineId: 'ef'.repeat(16),
          hostname: 'relay',
          container: false as const,
        })
      const request = await relayRequestOf(identity, fingerprint)
      const { license } = await seedLicense(src, {
        plan: { policy: { ...POLICY, floating: { seats: 3, leaseTtlS: 60, overage: 'deny' } } },
      })
      const pools = `/v1/admin/licenses/${license.id}/seat-pools`
      const created = await src.request('POST', pools, { seats: 2, request, validDays: 30 })
      expect(created.statusCode, created.body).toBe(201)
      const poolId = created.json<{ pool: { id: string } }>().pool.id
      const file = await exportFrom(src, { passphrase: PASSPHRASE })
      expect(types(file)).toContain('seat_pool')

      const { status, body } = await importInto(dst, file, { passphrase: PASSPHRASE })
      expect(status, JSON.stringify(body)).toBe(200)
      expect(body.conflictCount).toBe(0)
      expect(body.counts.seat_pool).toEqual({ inserted: 1, unchanged: 0, conflicts: 0 })
      const listed = await dst.request('GET', pools, undefined, src.adminKey)
      expect(listed.json<{ data: { id: string }[] }>().data.map((p) => p.id)).toEqual([poolId])
      const over = await dst.request('POST', pools, { seats: 2, request }, src.adminKey)
      expect(over.statusCode, over.body).toBe(409)
      expect(over.json<{ code: string }>().code).toBe('POOL_SEATS_UNAVAILABLE')
      const fits = await dst.request('POST', pools, { seats: 1, request }, src.adminKey)
      expect(fits.statusCode, fits.body).toBe(201)

      // A pool naming another tenant's license never lands (it would take that tenant's seats).
      const foreign = await seedLicense(dst, {
        plan: { policy: { ...POLICY, floating: { seats: 3, leaseTtlS: 60, overage: 'deny' } } },
      })
      const forged = file
        .replace(`"license_id":"${license.id}"`, `"license_id":"${foreign.license.id}"`)
        .replace(`"id":"${poolId}"`, '"id":"pool_forged0000000000"')
      const res = await importInto(dst, forged, { passphrase: PASSPHRASE })
      expect(res.body.conflicts).toEqual([
        expect.objectContaining({ type: 'seat_pool', code: 'MISSING_REFERENCE' }),
      ])
      const theirs = await dst.request('GET', `/v1/admin/licenses/${foreign.license.id}/seat-pools`)
      expect(theirs.json<{ data: unknown[] }>().data).toEqual([])
    } finally {
      await src.close()
      await dst.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
