import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AttestationError,
  verifyAnalysisResult,
  type PcrSet,
  type SignedAnalysisResult,
} from '@tollgate/license-client/attestation'
import { DAY } from './helpers/clock.js'
import { post, seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

// The real app (PGlite) with the real enclave runner: every 200 here ran a sandboxed worker.
interface Fixture {
  id: string
  labels: string[]
  bytecode: string
}
const fixtures = (
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL('../../enclave-runner/test/fixtures/fixtures.json', import.meta.url)),
      'utf8',
    ),
  ) as { fixtures: Fixture[] }
).fixtures
const fixture = (id: string): Fixture => {
  const f = fixtures.find((x) => x.id === id)
  if (!f) throw new Error(`fixture ${id} missing from fixtures.json`)
  return f
}

interface Attestation {
  measurement: PcrSet
  rootCertificatePem: string
  allowEmulated: true
  sandbox: 'bwrap' | 'none'
}
interface AnalyzeAnswer {
  signed: SignedAnalysisResult
  verification: { allowedPcrs: PcrSet[]; trustedRoots: string[]; allowEmulated: true }
  sandbox: string
}

const nonce = (): string => randomBytes(24).toString('base64url')
const LONG = 120_000

let t: TestApp
let dataDir: string
let entitled: { token: string; license: { id: string } }

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'tollgate-analyze-test-'))
  t = await createTestApp({ config: { dataDir } })
  entitled = await seedLicense(t, {
    plan: { entitlements: ['analysis:vulnerability', 'analysis:honeypot'] },
  })
})
afterAll(async () => {
  await t?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const analyze = (body: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/v1/analyze', payload: body })

describe('POST /v1/analyze', () => {
  let info: Attestation

  it(
    'creates the tenant runner lazily under DATA_DIR/enclave/<tenant> and publishes its attestation info',
    async () => {
      const stateDir = join(dataDir, 'enclave', t.tenantId)
      expect(existsSync(stateDir)).toBe(false)
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/analyze/attestation?tenant=${t.tenantId}`,
      })
      expect(res.statusCode, res.body).toBe(200)
      info = res.json<Attestation>()
      expect(info.allowEmulated).toBe(true)
      expect(Object.keys(info.measurement).sort()).toEqual(['0', '1', '2'])
      expect(info.rootCertificatePem).toContain('BEGIN CERTIFICATE')
      // The CA lives in the database (shared by instances), its key sealed, not on disk.
      const ca = await t.db
        .selectFrom('enclave_cas')
        .selectAll()
        .where('tenant_id', '=', t.tenantId)
        .executeTakeFirstOrThrow()
      expect(ca.root_pem).toBe(info.rootCertificatePem)
      expect(ca.intermediate_key_enc).not.toContain('PRIVATE KEY')
      expect(existsSync(join(stateDir, 'development-ca.json'))).toBe(false)
      // Without ?tenant= it is the bootstrap tenant: the same runner.
      const again = await t.app.inject({ method: 'GET', url: '/v1/analyze/attestation' })
      expect(again.json()).toEqual(info)
    },
    LONG,
  )

  it(
    'analyses an entitled license; the result verifies against the published root and measurement',
    async () => {
      const target = fixture('KillableOpen')
      expect(target.labels).toContain('unprotected-selfdestruct')
      const n = nonce()
      const res = await analyze({
        key: entitled.token,
        bytecode: target.bytecode,
        analysisType: 'vulnerability',
        nonce: n,
      })
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json<AnalyzeAnswer>()
      expect(body.verification).toEqual({
        allowedPcrs: [info.measurement],
        trustedRoots: [info.rootCertificatePem],
        allowEmulated: true,
      })
      expect(body.sandbox).toBe(info.sandbox)
      const { result, attestation } = verifyAnalysisResult(body.signed, {
        bytecode: target.bytecode,
        nonce: n,
        allowedPcrs: [info.measurement],
        trustedRoots: [info.rootCertificatePem],
        allowEmulated: true,
      })
      expect(attestation.emulated).toBe(true)
      expect(result.licenseId).toBe(entitled.license.id)
      expect(result.analysisType).toBe('vulnerability')
      expect(result.findings.map((f) => (f as { detector: string }).detector)).toContain(
        'unprotected-selfdestruct',
      )
      // The relayed JSON is the signed JSON: one edited finding no longer verifies.
      const tampered = { ...body.signed, result: { ...body.signed.result, findings: [] } }
      expect(() =>
        verifyAnalysisResult(tampered, {
          bytecode: target.bytecode,
          nonce: n,
          allowedPcrs: [info.measurement],
          trustedRoots: [info.rootCertificatePem],
          allowEmulated: true,
        }),
      ).toThrow(AttestationError)
    },
    LONG,
  )

  it(
    'refuses a nonce the runner has already used (409 NONCE_REPLAYED)',
    async () => {
      const target = fixture('GiftBox')
      const n = nonce()
      const body = {
        key: entitled.token,
        bytecode: target.bytecode,
        analysisType: 'honeypot',
        nonce: n,
      }
      expect((await analyze(body)).statusCode).toBe(200)
      const replay = await analyze(body)
      expect(replay.statusCode, replay.body).toBe(409)
      expect(replay.json()).toMatchObject({ code: 'NONCE_REPLAYED', status: 409 })
    },
    LONG,
  )

  it('answers 403 NOT_ENTITLED for a license without analysis:vulnerability', async () => {
    const other = await seedLicense(t, { plan: { entitlements: ['analysis:mev', 'sso'] } })
    const res = await analyze({
      key: other.token,
      bytecode: fixture('KillableOpen').bytecode,
      analysisType: 'vulnerability',
      nonce: nonce(),
    })
    expect(res.statusCode, res.body).toBe(403)
    expect(res.json()).toMatchObject({ code: 'NOT_ENTITLED', status: 403 })
  })

  it('answers 403 with the license code for revoked and suspended licenses', async () => {
    const plan = { entitlements: ['analysis:vulnerability'] }
    const revoked = await seedLicense(t, { plan })
    await post(t, `/v1/admin/licenses/${revoked.license.id}/revoke`, { reason: 'chargeback' }, 200)
    const suspended = await seedLicense(t, { plan })
    await post(t, `/v1/admin/licenses/${suspended.license.id}/suspend`, { reason: 'late' }, 200)
    for (const [key, code] of [
      [revoked.token, 'LICENSE_REVOKED'],
      [suspended.token, 'LICENSE_SUSPENDED'],
    ] as const) {
      const res = await analyze({
        key,
        bytecode: fixture('KillableOpen').bytecode,
        analysisType: 'vulnerability',
        nonce: nonce(),
      })
      expect(res.statusCode, res.body).toBe(403)
      expect(res.json()).toMatchObject({ code, status: 403 })
    }
  })

  it('answers 401 INVALID_LICENSE_KEY for a key that does not verify', async () => {
    // One character of the checksum changed: caught before any crypto.
    const forged = entitled.token.slice(0, -1) + (entitled.token.endsWith('0') ? '1' : '0')
    for (const key of ['not-a-license-key', forged]) {
      const res = await analyze({
        key,
        bytecode: '0x6000',
        analysisType: 'vulnerability',
        nonce: nonce(),
      })
      expect(res.statusCode, res.body).toBe(401)
      expect(res.json()).toMatchObject({ code: 'INVALID_LICENSE_KEY' })
    }
  })

  it('answers 400 for bad bytecode, also beyond 64 KiB, before any worker starts', async () => {
    const cases = ['0xzz', '0x123', '  ', 'ab'.repeat(64 * 1024 + 1)]
    for (const bytecode of cases) {
      const res = await analyze({
        key: entitled.token,
        bytecode,
        analysisType: 'vulnerability',
        nonce: nonce(),
      })
      expect(res.statusCode, `${bytecode.slice(0, 10)}: ${res.body}`).toBe(400)
      expect(res.json()).toMatchObject({ code: 'INVALID_BYTECODE', status: 400 })
    }
  })

  it('rejects unknown fields, unknown analysis types and short nonces (400 VALIDATION_FAILED)', async () => {
    const base = {
      key: entitled.token,
      bytecode: '0x6000',
      analysisType: 'vulnerability',
      nonce: nonce(),
    }
    for (const body of [
      { ...base, extra: 1 },
      { ...base, analysisType: 'gas' },
      { ...base, nonce: 'short' },
      { key: base.key, bytecode: base.bytecode, analysisType: base.analysisType },
    ]) {
      const res = await analyze(body)
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' })
    }
  })

  it(
    'after a signing-key rotation, a token of the new key analyses; root and measurement stay pinned',
    async () => {
      await post(t, '/v1/admin/signing-keys/rotate', undefined, 201)
      const { token } = await post<{ token: string }>(
        t,
        `/v1/admin/licenses/${entitled.license.id}/reissue`,
        undefined,
        200,
      )
      expect(token).not.toBe(entitled.token)
      const target = fixture('KillableOpen')
      const n = nonce()
      const res = await analyze({
        key: token,
        bytecode: target.bytecode,
        analysisType: 'vulnerability',
        nonce: n,
      })
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json<AnalyzeAnswer>()
      // The replacement runner loaded the same CA and sealed bundle from the tenant's state dir.
      expect(body.verification.trustedRoots).toEqual([info.rootCertificatePem])
      expect(body.verification.allowedPcrs).toEqual([info.measurement])
      verifyAnalysisResult(body.signed, {
        bytecode: target.bytecode,
        nonce: n,
        allowedPcrs: [info.measurement],
        trustedRoots: [info.rootCertificatePem],
        allowEmulated: true,
      })
    },
    LONG,
  )

  it('answers 404 for the attestation info of an unknown tenant', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/analyze/attestation?tenant=ten_nope',
    })
    expect(res.statusCode, res.body).toBe(404)
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' })
  })

  // Last: it moves the app's clock. (The runner's own token check uses the real clock, for which
  // the token is still current, so this isolates the server's stored-expiry rule.)
  it(
    'lets a license in its expiry grace analyse, and refuses it after (403 LICENSE_EXPIRED)',
    async () => {
      const expiresAt = new Date(t.clock.now().getTime() + DAY).toISOString()
      const { token } = await seedLicense(t, {
        plan: { entitlements: ['analysis:vulnerability'] },
        license: { expiresAt },
      })
      const body = () => ({
        key: token,
        bytecode: fixture('KillableOpen').bytecode,
        analysisType: 'vulnerability',
        nonce: nonce(),
      })
      t.clock.advance(2 * DAY) // past expiresAt, within POLICY.expiryGraceDays (7)
      const grace = await analyze(body())
      expect(grace.statusCode, grace.body).toBe(200)
      t.clock.advance(10 * DAY)
      const expired = await analyze(body())
      expect(expired.statusCode, expired.body).toBe(403)
      expect(expired.json()).toMatchObject({ code: 'LICENSE_EXPIRED', status: 403 })
    },
    LONG,
  )
})
