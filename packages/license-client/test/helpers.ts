import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { LicenseClaimsInput } from '@tollgate/license-client'

/** The shared test vectors live beside the project, read in place (never copied). */
export function sharedVector<T>(name: string): T {
  const url = new URL(`../../../../shared/test-vectors/${name}`, import.meta.url)
  return JSON.parse(readFileSync(fileURLToPath(url), 'utf8')) as T
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
