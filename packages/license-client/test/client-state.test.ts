import { describe, expect, it } from 'vitest'
import {
  KeySet,
  UNRESTRICTED_STATES,
  decideState,
  exportPublicJwk,
  generateKeyPair,
  signLicense,
  verifyLicense,
  type LicenseClaims,
  type LicenseClaimsInput,
  type StateInput,
} from '@tollgate/license-client'
import type { LeaseClaims, RevocationListClaims } from '@tollgate/license-client'
import { DAY, sampleClaims } from './helpers.js'

const pair = generateKeyPair()
const keys = KeySet.from([exportPublicJwk(pair.publicKey, pair.kid)])
const S = (ms: number): number => Math.floor(ms / 1000)
const H = 3_600_000

/** Real claims: signed, then verified, exactly as the client gets them. */
function claims(over: Partial<LicenseClaimsInput> = {}): LicenseClaims {
  return verifyLicense(signLicense(sampleClaims(over), pair), keys, {
    ignoreExpiry: true,
    ignoreNotBefore: true,
  }).claims
}

const base = claims() // iat 2026-01-01, exp 2027-01-01, expiryGrace 14 d, offlineGrace 30 d, hb 1 h
const EXP = Date.parse('2027-01-01T00:00:00Z')
const IAT = Date.parse('2026-01-01T00:00:00Z')
const NOW = Date.parse('2026-06-01T12:00:00Z')

function lease(at: number, over: Partial<LeaseClaims> = {}): LeaseClaims {
  return {
    typ: 'lease',
    lid: base.lid,
    deployment: 'dep_1',
    status: 'active',
    serverTime: S(at),
    validUntil: S(at + 30 * DAY),
    iat: S(at),
    ...over,
  }
}

function list(at: number, over: Partial<RevocationListClaims> = {}): RevocationListClaims {
  return {
    typ: 'revocations',
    revoked: [],
    suspended: [],
    iat: S(at),
    nextUpdate: S(at + DAY),
    ...over,
  }
}

/** Defaults: online, a lease signed just now, no list, nothing odd. */
function input(over: Partial<StateInput> = {}): StateInput {
  const now = over.now ?? NOW
  return {
    claims: base,
    lease: lease(now),
    revocations: null,
    trustedTime: 0,
    now,
    deploymentId: 'dep_1',
    serverConfigured: true,
    clockToleranceS: 3600,
    freeFeatures: ['basic'],
    ...over,
  }
}

type Row = [name: string, over: Partial<StateInput>, code: string, daysLeft?: number | null]

const rows: Row[] = [
  ['online with a fresh lease', {}, 'valid', 214],
  ['no key', { claims: null, licenseError: 'BAD_CHECKSUM: mistyped' }, 'invalid', 0],
  [
    'node-locked to another deployment',
    { claims: claims({ deploymentId: 'dep_other' }) },
    'deployment_mismatch',
    0,
  ],
  ['node-locked to this deployment', { claims: claims({ deploymentId: 'dep_1' }) }, 'valid', 214],
  [
    'server refused: mismatch',
    { refusal: { code: 'deployment_mismatch', reason: 'x' } },
    'deployment_mismatch',
    0,
  ],
  [
    'server refused: too many deployments',
    { refusal: { code: 'over_limit', reason: 'x' } },
    'over_limit',
    0,
  ],
  ['lease says revoked', { lease: lease(NOW, { status: 'revoked' }) }, 'revoked', 0],
  ['list revokes', { revocations: list(NOW - H, { revoked: [base.lid] }) }, 'revoked', 0],
  [
    'list revokes even when the lease is newer',
    { lease: lease(NOW), revocations: list(NOW - DAY, { revoked: [base.lid] }) },
    'revoked',
    0,
  ],
  ['lease says suspended', { lease: lease(NOW, { status: 'suspended' }) }, 'suspended', 0],
  [
    'newer list suspends',
    { lease: lease(NOW - H), revocations: list(NOW - 60_000, { suspended: [base.lid] }) },
    'suspended',
    0,
  ],
  [
    'newer lease reinstates',
    { lease: lease(NOW - 60_000), revocations: list(NOW - H, { suspended: [base.lid] }) },
    'valid',
    214,
  ],
  [
    'list of another issuer is ignored',
    { revocations: list(NOW, { iss: 'ten_other', revoked: [base.lid] }) },
    'valid',
    214,
  ],
  [
    'lease of another license is ignored',
    { lease: lease(NOW, { lid: 'lic_other', status: 'revoked' }), serverConfigured: false },
    'valid',
    214,
  ],
  [
    'lease of another deployment is ignored',
    { lease: lease(NOW, { deployment: 'dep_2', status: 'revoked' }), serverConfigured: false },
    'valid',
    214,
  ],
  ['clock rolled back 2 days', { trustedTime: S(NOW + 2 * DAY) }, 'clock_tampered', 0],
  ['lease from the future', { lease: lease(NOW + 2 * DAY) }, 'clock_tampered', 0],
  ['revocation list from the future', { revocations: list(NOW + 2 * DAY) }, 'clock_tampered', 0],
  ['rollback within tolerance', { trustedTime: S(NOW + 30 * 60_000) }, 'valid', 214],
  [
    'revoked beats tampered',
    { trustedTime: S(NOW + 2 * DAY), revocations: list(NOW, { revoked: [base.lid] }) },
    'revoked',
    0,
  ],
  ['before nbf', { claims: claims({ notBefore: new Date(NOW + DAY) }) }, 'not_yet_valid', 0],
  ['air-gapped, no lease', { lease: null, serverConfigured: false }, 'valid', 214],
  [
    'air-gapped, perpetual',
    { lease: null, serverConfigured: false, claims: claims({ expiresAt: null }) },
    'valid',
    null,
  ],
  ['never activated, 5 days after issue', { lease: null, now: IAT + 5 * DAY }, 'grace_offline', 25],
  ['never activated, 30 days after issue', { lease: null, now: IAT + 30 * DAY }, 'expired', 0],
  [
    'first activation in flight',
    { lease: null, activating: true, now: IAT + 5 * DAY },
    'activating',
    25,
  ],
  [
    'activation in flight does not extend the grace',
    { lease: null, activating: true, now: IAT + 30 * DAY },
    'expired',
    0,
  ],
  [
    'nbf within the clock tolerance (key issued a minute ago, clock 5 min slow)',
    { now: IAT - 4 * 60_000 },
    'valid',
    366,
  ],
  [
    'lease fresh by receipt on a clock 15 min ahead',
    { lease: lease(NOW), now: NOW + 125 * 60_000, leaseSkewS: 15 * 60 },
    'valid',
    214,
  ],
  [
    'expired beats over_limit',
    { now: EXP + 20 * DAY, refusal: { code: 'over_limit', reason: 'x' } },
    'expired',
    0,
  ],
  // Both graces running: the one that ends first names the state.
  [
    'past exp and offline: expiry grace ends first',
    { now: EXP + 10 * DAY, lease: lease(EXP - 10 * DAY) },
    'grace_expired',
    4,
  ],
  [
    'past exp and offline: offline grace ends first',
    { now: EXP + 2 * DAY, lease: lease(EXP - 27 * DAY) },
    'grace_offline',
    1,
  ],
]

describe('decideState: the state table', () => {
  it.each(rows)('%s', (_name, over, code, daysLeft) => {
    const state = decideState(input(over))
    expect(state.code).toBe(code)
    if (daysLeft !== undefined) expect(state.daysLeft).toBe(daysLeft)
    expect(state.restricted).toBe(!UNRESTRICTED_STATES.has(state.code))
    expect(state.reason.length).toBeGreaterThan(0)
    expect(Object.isFrozen(state)).toBe(true)
  })

  it('valid -> grace_expired -> expired on the policy days (expiryGraceDays 14)', () => {
    const at = (now: number) => decideState(input({ now }))
    expect([at(EXP - DAY).code, at(EXP - DAY).daysLeft]).toEqual(['valid', 1])
    expect([at(EXP).code, at(EXP).daysLeft]).toEqual(['grace_expired', 14])
    expect([at(EXP + 13 * DAY).code, at(EXP + 13 * DAY).daysLeft]).toEqual(['grace_expired', 1])
    expect(at(EXP + 14 * DAY - 1000).code).toBe('grace_expired')
    expect([at(EXP + 14 * DAY).code, at(EXP + 14 * DAY).restricted]).toEqual(['expired', true])
  })

  it('offline for offlineGraceDays - 1 stays grace_offline; one day later it is restricted', () => {
    const last = lease(NOW)
    const at = (now: number) => decideState(input({ now, lease: last }))
    expect(at(NOW + H).code).toBe('valid') // within two heartbeat intervals
    expect([at(NOW + 3 * H).code, at(NOW + 3 * H).daysLeft]).toEqual(['grace_offline', 30])
    const day29 = at(NOW + 29 * DAY)
    expect([day29.code, day29.daysLeft, day29.restricted]).toEqual(['grace_offline', 1, false])
    const day30 = at(NOW + 30 * DAY)
    expect([day30.code, day30.restricted]).toEqual(['expired', true])
    expect(day30.reason).toMatch(/offline grace/i)
  })

  it('grace states keep every paid feature; restricted states keep only free features', () => {
    const paid = ['sso', 'audit-log', 'analysis:vulnerability', 'basic']
    expect(decideState(input()).features).toEqual(paid)
    expect(decideState(input({ now: EXP + DAY })).features).toEqual(paid)
    expect(decideState(input({ now: NOW + 3 * H, lease: lease(NOW) })).features).toEqual(paid)
    for (const over of [
      { now: EXP + 20 * DAY },
      { trustedTime: S(NOW + 2 * DAY) },
      { lease: lease(NOW, { status: 'revoked' as const }) },
      { claims: null },
    ]) {
      const s = decideState(input(over))
      expect([s.restricted, s.features]).toEqual([true, ['basic']])
    }
  })

  it('every state code is reachable and has a fixed restricted flag', () => {
    const seen = new Set(rows.map(([, over]) => decideState(input(over)).code))
    seen.add(decideState(input({ now: EXP + DAY })).code)
    expect([...seen].sort()).toEqual(
      [
        'clock_tampered',
        'deployment_mismatch',
        'expired',
        'activating',
        'grace_expired',
        'grace_offline',
        'invalid',
        'not_yet_valid',
        'over_limit',
        'revoked',
        'suspended',
        'valid',
      ].sort(),
    )
    expect([...UNRESTRICTED_STATES].sort()).toEqual([
      'activating',
      'grace_expired',
      'grace_offline',
      'valid',
    ])
  })

  it('reports the state, license id and expiry as plain data', () => {
    const s = decideState(input())
    expect(s).toMatchObject({ licenseId: base.lid, expiresAt: '2027-01-01T00:00:00.000Z' })
    expect(JSON.parse(JSON.stringify(s))).toEqual({ ...s, features: [...s.features] })
  })
})
