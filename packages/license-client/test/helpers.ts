import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LicenseClaimsInput } from '@tollgate/license-client'

/** Where the shared data lives: `TOLLGATE_SHARED_DIR`, else `../shared` beside the repository. */
export function sharedDir(): string {
  return resolve(
    process.env.TOLLGATE_SHARED_DIR ??
      fileURLToPath(new URL('../../../../shared', import.meta.url)),
  )
}

/**
 * The shared test vectors live beside the project, read in place (never copied). A fresh clone
 * has no `../shared`: the answer is then `{ skip }` with the reason, printed once, so the suite
 * stays green and says what it did not run. CI sets `TOLLGATE_REQUIRE_SHARED=1`, which turns a
 * missing file into a failure instead.
 */
export function sharedVector<T>(
  name: string,
): { data: T; skip?: undefined } | { data?: undefined; skip: string } {
  const path = resolve(sharedDir(), 'test-vectors', name)
  if (!existsSync(path) && process.env.TOLLGATE_REQUIRE_SHARED !== '1') {
    const skip = `skipped: ${path} is absent (a fresh clone has no ../shared; set TOLLGATE_SHARED_DIR to run it)`
    console.warn(`[tollgate] ${name}: ${skip}`)
    return { skip }
  }
  return { data: JSON.parse(readFileSync(path, 'utf8')) as T }
}

export const DAY = 86_400_000

export function sampleClaims(over: Partial<LicenseClaimsInput> = {}): LicenseClaimsInput {
  return {
    licenseId: 'lic_01HZX3',
    customerId: 'cus_42',
    customerName: 'Acme Corp',
    product: 'acme-analytics',
    tier: 'pro',
    entitlements: ['sso', 'audit-log', 'analysis:vulnerability'],
    limits: { users: 50, deployments: 3, projects: 10 },
    policy: {
      expiryGraceDays: 14,
      offlineGraceDays: 30,
      heartbeatIntervalS: 3600,
      maxDeployments: 3,
    },
    issuer: 'ten_vendor',
    issuedAt: new Date('2026-01-01T00:00:00Z'),
    expiresAt: new Date('2027-01-01T00:00:00Z'),
    ...over,
  }
}

export const DURING = new Date('2026-06-01T00:00:00Z')
