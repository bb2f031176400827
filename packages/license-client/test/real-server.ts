// The real license server (buildApp) on a real port, with an admin key, for field tests.
import { buildApp } from '@tollgate/license-server'
// The server's own test helper: one migrated PGlite dump per run instead of migrating per server.
import { migratedPglite } from '../../license-server/test/helpers/pglite-template.js'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { request } from 'undici'
import type { Jwks } from '@tollgate/license-client'

const MASTER_KEY = '00'.repeat(16) + 'ab'.repeat(16)

/** A started server and helpers to drive its admin API. */
export interface RealServer {
  app: FastifyInstance
  url: string
  jwks: Jwks
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T }>
  /** Issues a license (plan: heartbeat 1 h, 30 days offline grace, 3 deployments; `policy` adds). */
  issueLicense(policy?: Record<string, unknown>): Promise<{ id: string; token: string }>
  /** Usage the server counted for a license and metric, over all days. */
  usageTotal(licenseId: string, metric: string): Promise<number>
  close(): Promise<void>
}

/** Starts the license server on 127.0.0.1 with an in-memory database. */
export async function startRealServer(): Promise<RealServer> {
  const db = await migratedPglite()
  const app = await buildApp({
    db,
    env: {},
    config: {
      masterKey: MASTER_KEY,
      dataDir: 'memory://',
      logLevel: 'silent',
      rateLimit: {
        windowMs: 60_000,
        publicMax: 1_000_000,
        adminMax: 1_000_000,
        tiers: { default: 1_000_000 },
      },
    },
    logger: false,
  }).catch(async (err: unknown) => {
    await db.destroy()
    throw err
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const adminKey = app.tollgate.bootstrap.ownerKey!
  const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await request(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.body.text()
    return { status: res.statusCode, json: (text ? JSON.parse(text) : null) as T }
  }
  const jwks = (await api<Jwks>('GET', '/.well-known/jwks.json')).json
  let n = 0
  return {
    app,
    url,
    jwks,
    api,
    async issueLicense(policy = {}) {
      n++
      const customer = await api<{ id: string }>('POST', '/v1/admin/customers', {
        name: `Field ${n}`,
        email: `field${n}@acme.test`,
      })
      const plan = await api<{ id: string }>('POST', '/v1/admin/plans', {
        name: `Field ${n}`,
        product: 'acme-app',
        tier: 'pro',
        entitlements: ['sso'],
        limits: { users: 50 },
        policy: {
          expiryGraceDays: 7,
          offlineGraceDays: 30,
          heartbeatIntervalS: 3600,
          maxDeployments: 3,
          ...policy,
        },
        durationDays: 365,
      })
      const issued = await api<{ license: { id: string }; token: string }>(
        'POST',
        '/v1/admin/licenses',
        { customerId: customer.json.id, planId: plan.json.id },
      )
      if (issued.status !== 201) throw new Error(`issue failed: ${JSON.stringify(issued.json)}`)
      return { id: issued.json.license.id, token: issued.json.token }
    },
    async usageTotal(licenseId, metric) {
      const r = await api<{ items: { metric: string; amount: number }[] }>(
        'GET',
        `/v1/admin/licenses/${licenseId}/usage?metric=${metric}&limit=5000`,
      )
      return r.json.items.reduce((s, i) => s + i.amount, 0)
    },
    // buildApp does not close a database it was given.
    close: async () => {
      await app.close()
      await db.destroy()
    },
  }
}
