// End to end: a real license client kept for offline use (`offlineRevocations`) against the
// real license server on a port. The first refresh fetches the whole signed revocation list,
// a revocation on the server reaches the client as a signed delta of just that change, and a
// refresh with nothing new is answered 304 — counted at the server.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createLicenseClient,
  KeySet,
  verifyRevocationDelta,
  verifyRevocationList,
  type Jwks,
} from '@tollgate/license-client'
import { buildApp } from '@tollgate/license-server'
import type { FastifyInstance } from 'fastify'

const MASTER_KEY = '00'.repeat(16) + 'cd'.repeat(16)
const HOUR = 3_600_000

/** One answer of GET /v1/revocations as the server sent it. */
interface Answer {
  url: string
  status: number
  kind: 'list' | 'delta' | 'none'
  jws: string | undefined
}

let app: FastifyInstance
let url: string
let adminKey: string
let jwks: Jwks
let dir: string
const answers: Answer[] = []

async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await request(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.body.text()
  expect(res.statusCode, text).toBeLessThan(300)
  return JSON.parse(text) as T
}

async function issueLicense(planId: string, customerId: string) {
  const r = await api<{ license: { id: string }; token: string }>('POST', '/v1/admin/licenses', {
    customerId,
    planId,
  })
  return { id: r.license.id, token: r.token }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tg-revocation-e2e-'))
  app = await buildApp({
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
  })
  // Count what the server answers on the revocation route (the client cannot fake this).
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.url.startsWith('/v1/revocations')) {
      let kind: Answer['kind'] = 'none'
      let jws: string | undefined
      if (reply.statusCode === 200 && typeof payload === 'string') {
        const body = JSON.parse(payload) as { list?: string; delta?: string }
        kind = body.delta !== undefined ? 'delta' : 'list'
        jws = body.delta ?? body.list
      }
      answers.push({ url: req.url, status: reply.statusCode, kind, jws })
    }
    done(null, payload)
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  adminKey = app.tollgate.bootstrap.ownerKey!
  const res = await request(`${url}/.well-known/jwks.json`)
  jwks = (await res.body.json()) as Jwks
})
afterAll(async () => {
  await app?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('revocation list: client <-> real server', () => {
  it('full list first, then only deltas, and 304 while nothing changed', async () => {
    const customer = await api<{ id: string }>('POST', '/v1/admin/customers', {
      name: 'Acme',
      email: 'it@acme.test',
    })
    const plan = await api<{ id: string }>('POST', '/v1/admin/plans', {
      name: 'Pro',
      product: 'acme-app',
      tier: 'pro',
      entitlements: ['sso'],
      limits: { users: 50 },
      policy: {
        expiryGraceDays: 7,
        offlineGraceDays: 30,
        heartbeatIntervalS: 3600,
        maxDeployments: 3,
      },
      durationDays: 365,
    })
    const mine = await issueLicense(plan.id, customer.id)
    const other = await issueLicense(plan.id, customer.id)
    await api('POST', `/v1/admin/licenses/${other.id}/suspend`, { reason: 'audit' })

    // The client's clock runs ahead on demand, so a held list comes due without waiting.
    let ahead = 0
    const failures: string[] = []
    const logger = {
      debug: () => undefined,
      info: () => undefined,
      warn: (_: Record<string, unknown>, message: string) => void failures.push(message),
      error: (_: Record<string, unknown>, message: string) => void failures.push(message),
    }
    const client = await createLicenseClient({
      token: mine.token,
      publicKeys: jwks,
      serverUrl: url,
      storageDir: dir,
      autoHeartbeat: false,
      offlineRevocations: true,
      logger,
      now: () => Date.now() + ahead,
    })
    const keys = KeySet.from(jwks)
    try {
      expect((await client.refresh()).code).toBe('valid')
      expect(answers.map((a) => [a.status, a.kind])).toEqual([[200, 'list']])
      const list = verifyRevocationList(answers[0]!.jws!, keys)
      expect(list.suspended).toEqual([other.id])

      // Nothing changed: the due refresh sends its version and ETag and gets 304.
      ahead = 2 * HOUR
      expect((await client.refresh()).code).toBe('valid')
      expect(answers.at(-1)).toMatchObject({ status: 304, kind: 'none' })
      expect(answers.at(-1)!.url).toContain(`since=${list.ver}`)

      // A revocation on the server: the client fetches only the changes since its list.
      await api('POST', `/v1/admin/licenses/${other.id}/revoke`, { reason: 'chargeback' })
      ahead = 4 * HOUR
      expect((await client.refresh()).code).toBe('valid')
      const delta = answers.at(-1)!
      expect(delta).toMatchObject({ status: 200, kind: 'delta' })
      const d = verifyRevocationDelta(delta.jws!, keys)
      expect(d).toMatchObject({ since: list.ver, revoked: [other.id], suspended: [] })
      expect(delta.jws!.length).toBeLessThan(1000)

      // Its own license revoked: the next refresh learns it (lease and delta alike).
      await api('POST', `/v1/admin/licenses/${mine.id}/revoke`, { reason: 'chargeback' })
      expect((await client.refresh()).code).toBe('revoked')
      const last = answers.at(-1)!
      expect(last).toMatchObject({ status: 200, kind: 'delta' })
      // The client keeps the whole list and one delta since it: the delta covers both changes.
      const cumulative = verifyRevocationDelta(last.jws!, keys)
      expect(cumulative.since).toBe(list.ver)
      expect([...cumulative.revoked].sort()).toEqual([mine.id, other.id].sort())
      // Refused since, nothing new: 304 again.
      await client.refresh()
      expect(answers.at(-1)).toMatchObject({ status: 304, kind: 'none' })
      expect(answers.filter((a) => a.kind === 'list')).toHaveLength(1)
      expect(answers.filter((a) => a.kind === 'delta')).toHaveLength(2)
      expect(answers.filter((a) => a.status === 304)).toHaveLength(2)
      // Every round went through (a 304 with a body length it does not send is a network error).
      expect(failures).toEqual([])
      // The delta is kept beside the list for offline restarts.
      expect((await readFile(join(dir, 'revocations-delta.jws'), 'utf8')).length).toBeGreaterThan(0)
    } finally {
      await client.close()
    }
  })
})
