// Trials (issue 18): a plan's free features, signed in the token, kept once the license expired.
import { describe, expect, it } from 'vitest'
import {
  decideState,
  exportPublicJwk,
  generateKeyPair,
  KeySet,
  MalformedError,
  signLicense,
  verifyLicense,
  type StateInput,
} from '@tollgate/license-client'
import { DAY, sampleClaims } from './helpers.js'

const pair = generateKeyPair()
const keys = KeySet.from([exportPublicJwk(pair.publicKey, pair.kid)])
const EXP = Date.parse('2027-01-01T00:00:00Z')
const policy = {
  expiryGraceDays: 14,
  offlineGraceDays: 30,
  heartbeatIntervalS: 3600,
  maxDeployments: 3,
}

function state(now: number, freeFeatures: string[] | undefined, appFree: string[] = []) {
  const token = signLicense(
    sampleClaims({ policy: { ...policy, ...(freeFeatures ? { freeFeatures } : {}) } }),
    pair,
  )
  const claims = verifyLicense(token, keys, { ignoreExpiry: true }).claims
  const input: StateInput = {
    claims,
    lease: null,
    revocations: null,
    trustedTime: 0,
    now,
    deploymentId: 'dep_1',
    serverConfigured: false,
    clockToleranceS: 3600,
    freeFeatures: appFree,
  }
  return decideState(input)
}

describe('policy.freeFeatures', () => {
  it('are kept (with the app free features) once the license is expired', () => {
    const s = state(EXP + 15 * DAY, ['export', 'viewer'], ['basic'])
    expect(s.code).toBe('expired')
    expect([...s.features].sort()).toEqual(['basic', 'export', 'viewer'])
  })

  it('change nothing while valid or in grace, and nothing without the field', () => {
    const valid = state(EXP - DAY, ['export'])
    expect(valid.code).toBe('valid')
    expect(valid.features).toContain('sso')
    const grace = state(EXP + DAY, ['export'])
    expect(grace.code).toBe('grace_expired')
    expect(grace.features).toContain('sso')
    const none = state(EXP + 15 * DAY, undefined)
    expect(none.features).toEqual([])
  })

  it('a token whose freeFeatures is not a list of names is malformed', () => {
    const bad = signLicense(
      sampleClaims({ policy: { ...policy, freeFeatures: 'export' as unknown as string[] } }),
      pair,
    )
    expect(() => verifyLicense(bad, keys, { ignoreExpiry: true })).toThrow(MalformedError)
  })
})
