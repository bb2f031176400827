// The relay chain, codec level: vendor key → pool file → relay key → seat lease. Forged pools,
// another relay's key, another license, expiry and tampered leases are refused with typed errors.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  checkRelayRequest,
  exportPublicJwk,
  loadRelayIdentity,
  parseRelayRequest,
  poolFileHash,
  poolValidity,
  relayIssuer,
  relayRequestOf,
  signPoolFile,
  signSeatLease,
  verifyPoolFile,
  verifyRelayLease,
  PoolExpiredError,
  PoolFileInvalidError,
  RelayRequestInvalidError,
  SeatRefusedError,
  type RelayIdentity,
  type RelayRequest,
} from '@tollgate/license-client'
import { jwks, stranger, vendor } from './client-fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'tg-relay-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const NOW = Date.parse('2026-06-01T00:00:00Z')
const fp = () =>
  Promise.resolve({ machineId: 'ab'.repeat(16), hostname: 'relay-1', container: false as const })

async function relay(name: string): Promise<{ id: RelayIdentity; request: RelayRequest }> {
  const id = (await loadRelayIdentity(join(dir, name), true))!
  return { id, request: await relayRequestOf(id, fp, new Date(NOW)) }
}

function pool(
  request: RelayRequest,
  over: { key?: typeof vendor; lid?: string; days?: number } = {},
) {
  return signPoolFile(
    {
      poolId: 'pool_1',
      issuer: 'ten_vendor',
      licenseId: over.lid ?? 'lic_1',
      seats: 2,
      policy: { leaseTtlS: 60, overage: 'deny' },
      request,
      issuedAt: new Date(NOW - 1000),
      expiresAt: new Date(NOW + (over.days ?? 30) * 86_400_000),
    },
    over.key ?? vendor,
  )
}

function lease(id: RelayIdentity, poolFile: string, over: { lid?: string; exp?: number } = {}) {
  return signSeatLease(
    {
      issuer: relayIssuer(id.publicKey.kid),
      licenseId: over.lid ?? 'lic_1',
      leaseId: 'seat_1',
      scope: 'a',
      overage: false,
      issuedAt: new Date(NOW),
      expiresAt: new Date(over.exp ?? NOW + 60_000),
      poolHash: poolFileHash(poolFile),
    },
    id.signing,
  )
}

describe('relay identity and request', () => {
  it('creates the key once, 0600 in a 0700 dir, and writes a request that parses back', async () => {
    const a = await relay('r1')
    const again = (await loadRelayIdentity(join(dir, 'r1'), true))!
    expect(again.publicKey.kid).toBe(a.id.publicKey.kid)
    expect(statSync(join(dir, 'r1', 'relay-key.json')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'r1')).mode & 0o777).toBe(0o700)
    expect(parseRelayRequest(JSON.stringify(a.request))).toEqual(a.request)
    expect(JSON.stringify(a.request)).not.toContain('"d"')
  })

  it('refuses requests that are not what relay init writes', () => {
    for (const bad of ['nope', '{}', JSON.stringify({ type: 'tollgate-relay-request', v: 1 })]) {
      expect(() => parseRelayRequest(bad)).toThrow(RelayRequestInvalidError)
    }
    expect(() => checkRelayRequest([])).toThrow(RelayRequestInvalidError)
    expect(() => parseRelayRequest('x'.repeat(9000))).toThrow(RelayRequestInvalidError)
  })
})

describe('pool file and relay lease chain', () => {
  it('accepts a vendor-signed pool and a lease signed by the relay it names', async () => {
    const { id, request } = await relay('ok')
    const poolFile = pool(request)
    const claims = verifyPoolFile(poolFile, jwks)
    expect(claims).toMatchObject({ lid: 'lic_1', seats: 2, rk: { kid: id.publicKey.kid } })
    expect(poolValidity(claims, NOW).state).toBe('valid')
    const r = verifyRelayLease({
      lease: lease(id, poolFile),
      poolFile,
      vendorKeys: jwks,
      licenseId: 'lic_1',
      nowMs: NOW,
    })
    expect(r.lease).toMatchObject({ sid: 'seat_1', pool: poolFileHash(poolFile) })
  })

  it('refuses a self-signed (forged) pool file', async () => {
    const { id, request } = await relay('forged')
    const forged = pool(request, { key: stranger })
    expect(() => verifyPoolFile(forged, jwks)).toThrow(PoolFileInvalidError)
    const err = (() => {
      try {
        verifyRelayLease({
          lease: lease(id, forged),
          poolFile: forged,
          vendorKeys: jwks,
          licenseId: 'lic_1',
          nowMs: NOW,
        })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(PoolFileInvalidError)
    expect(err).toBeInstanceOf(SeatRefusedError)
    expect((err as PoolFileInvalidError).code).toBe('POOL_INVALID')
  })

  it('refuses a lease signed by another relay than the pool names', async () => {
    const mine = await relay('mine')
    const other = await relay('other')
    const poolFile = pool(mine.request)
    const err = (() => {
      try {
        verifyRelayLease({
          lease: lease(other.id, poolFile),
          poolFile,
          vendorKeys: jwks,
          licenseId: 'lic_1',
          nowMs: NOW,
        })
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect((err as PoolFileInvalidError).code).toBe('RELAY_LEASE_INVALID')
  })

  it('refuses another license, another pool hash, a lease outliving the pool, and expiry', async () => {
    const { id, request } = await relay('edges')
    const poolFile = pool(request)
    const base = { poolFile, vendorKeys: jwks, licenseId: 'lic_1', nowMs: NOW }
    expect(() =>
      verifyRelayLease({ ...base, lease: lease(id, poolFile), licenseId: 'lic_2' }),
    ).toThrow(/another license/)
    const second = pool(request, { days: 31 })
    expect(() => verifyRelayLease({ ...base, lease: lease(id, second) })).toThrow(/belong/)
    const long = lease(id, poolFile, { exp: NOW + 40 * 86_400_000 })
    expect(() => verifyRelayLease({ ...base, lease: long })).toThrow(/belong/)
    expect(() =>
      verifyRelayLease({ ...base, lease: lease(id, poolFile), nowMs: NOW + 31 * 86_400_000 }),
    ).toThrow(PoolExpiredError)
    expect(() =>
      verifyRelayLease({ ...base, lease: lease(id, poolFile), nowMs: NOW - 86_400_000 }),
    ).toThrow(PoolExpiredError)
  })

  it('a pool file is a JWS any JOSE library reads against the vendor JWKS', async () => {
    const { compactVerify, importJWK } = await import('jose')
    const { request } = await relay('jose')
    const poolFile = pool(request)
    const key = await importJWK({ ...exportPublicJwk(vendor.publicKey, vendor.kid) }, 'EdDSA')
    const { protectedHeader } = await compactVerify(poolFile, key)
    expect(protectedHeader).toMatchObject({
      alg: 'EdDSA',
      typ: 'tollgate-pool+jwt',
      kid: vendor.kid,
    })
  })
})
