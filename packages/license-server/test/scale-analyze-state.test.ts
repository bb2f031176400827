import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedLicense } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { buildFleetApp } from './fleet-support.js'

// Two app instances on one database behave as one for /v1/analyze.
const bytecode = (
  JSON.parse(
    readFileSync(
      fileURLToPath(new URL('../../enclave-runner/test/fixtures/fixtures.json', import.meta.url)),
      'utf8',
    ),
  ) as { fixtures: { id: string; bytecode: string }[] }
).fixtures.find((f) => f.id === 'GiftBox')!.bytecode
const LONG = 120_000

let t: TestApp
let b: FastifyInstance
beforeAll(async () => {
  t = await createTestApp()
  b = await buildFleetApp({ db: t.db, clock: t.clock })
})
afterAll(async () => {
  await b.close()
  await t.close()
})

describe('analyze state shared through the database', () => {
  it(
    'publishes one root and one measurement from every instance',
    async () => {
      const url = `/v1/analyze/attestation?tenant=${t.tenantId}`
      const [fromA, fromB] = await Promise.all([
        t.app.inject({ method: 'GET', url }),
        b.inject({ method: 'GET', url }),
      ])
      expect(fromA.statusCode, fromA.body).toBe(200)
      expect(fromB.statusCode, fromB.body).toBe(200)
      expect(fromB.json()).toEqual(fromA.json())
    },
    LONG,
  )

  it(
    'refuses on instance B a nonce instance A already used (409 NONCE_REPLAYED)',
    async () => {
      const { token } = await seedLicense(t, { plan: { entitlements: ['analysis:honeypot'] } })
      const body = {
        key: token,
        bytecode,
        analysisType: 'honeypot',
        nonce: randomBytes(24).toString('base64url'),
      }
      const first = await t.app.inject({ method: 'POST', url: '/v1/analyze', payload: body })
      expect(first.statusCode, first.body).toBe(200)
      const replay = await b.inject({ method: 'POST', url: '/v1/analyze', payload: body })
      expect(replay.statusCode, replay.body).toBe(409)
      expect(replay.json()).toMatchObject({ code: 'NONCE_REPLAYED', status: 409 })
    },
    LONG,
  )
})
