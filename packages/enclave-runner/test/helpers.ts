import { readFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { exportPublicJwk, generateKeyPair, signLicense } from '@tollgate/license-client'
import type { Jwks } from '@tollgate/license-client'
import { bundleWorker } from '@tollgate/enclave-runner'

export interface Fixture {
  id: string
  contract: string
  source: string
  optimizer: boolean
  labels: string[]
  bytecode: string
}

export function loadFixtures(): Fixture[] {
  const doc = JSON.parse(
    readFileSync(fileURLToPath(new URL('./fixtures/fixtures.json', import.meta.url)), 'utf8'),
  ) as { fixtures: Fixture[] }
  return doc.fixtures
}

export function fixture(id: string): Fixture {
  const f = loadFixtures().find((x) => x.id === id)
  if (!f) throw new Error(`no fixture ${id}`)
  return f
}

/** A vendor signing key, its JWKS, and a token factory with chosen entitlements. */
export function licensing(): {
  jwks: Jwks
  token: (entitlements: string[], opts?: { expiresAt?: Date }) => string
} {
  const kp = generateKeyPair()
  const jwks: Jwks = { keys: [exportPublicJwk(kp.publicKey, kp.kid)] }
  const token = (entitlements: string[], opts: { expiresAt?: Date } = {}): string =>
    signLicense(
      {
        licenseId: `lic_${entitlements.join('_').replace(/[^a-z]/g, '') || 'none'}`,
        customerId: 'cus_1',
        product: 'tollgate-analyzer',
        tier: 'pro',
        entitlements,
        limits: {},
        policy: {
          expiryGraceDays: 0,
          offlineGraceDays: 7,
          heartbeatIntervalS: 3600,
          maxDeployments: 1,
        },
        ...(opts.expiresAt
          ? {
              expiresAt: opts.expiresAt,
              issuedAt: new Date(opts.expiresAt.getTime() - 86_400_000),
              notBefore: new Date(opts.expiresAt.getTime() - 86_400_000),
            }
          : {}),
      },
      kp,
    )
  return { jwks, token }
}

/** Bundle the worker (production or self-test build) into a fresh temp dir. */
export async function bundleTo(selfTest = false): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-worker-test-'))
  return bundleWorker({ outFile: join(dir, 'worker.mjs'), selfTest })
}

export function freshNonce(): string {
  return `n${Math.random().toString(36).slice(2)}${Date.now().toString(36)}xxxxxxxxxxxxxxxx`.slice(
    0,
    40,
  )
}
