// The Stripe walkthrough against a real license server (in-process on a port, in-memory PGlite)
// whose outbox mails keys over real SMTP to the example's mail catcher.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeLicense } from '@tollgate/license-client'
import { buildApp } from '@tollgate/license-server'
// The server tests' helper: the run's migrated PGlite dump, instead of migrating per server.
import { migratedPglite } from '../../../packages/license-server/test/helpers/pglite-template.js'
import {
  MailCatcher,
  newPurchase,
  runCheckoutWalkthrough,
  sendStripeEvent,
  subscriptionCreated,
  FREE_PRICE,
} from '../src/index.js'

const ADMIN_KEY = 'tg_admin_' + 'StripeExampleTest0123456'.repeat(2)
const SECRET = 'whsec_example_' + 'f00d'.repeat(8)

let server: FastifyInstance
let db: Awaited<ReturnType<typeof migratedPglite>> | undefined
let serverUrl: string
let mail: MailCatcher
const lines: string[] = []

beforeAll(async () => {
  mail = await MailCatcher.start()
  db = await migratedPglite()
  server = await buildApp({
    db,
    env: {
      DATA_DIR: 'memory://',
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'silent',
      STRIPE_WEBHOOK_SECRET: SECRET,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(mail.port),
      SMTP_FROM: 'licenses@vendor.example',
      OUTBOX_INTERVAL_S: '1',
    },
    logger: false,
  })
  await server.listen({ port: 0, host: '127.0.0.1' })
  serverUrl = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`
})

afterAll(async () => {
  await server?.close()
  await db?.destroy() // buildApp does not close a database it was given
  await mail?.close()
})

describe('stripe-checkout example', () => {
  it('free checkout -> key by mail; upgrade -> Pro key by mail; paid invoice; cancel -> revoked', async () => {
    const result = await runCheckoutWalkthrough({
      serverUrl,
      adminKey: ADMIN_KEY,
      webhookSecret: SECRET,
      mail,
      email: 'it@acme.example',
      log: (l) => lines.push(l),
    })
    const free = decodeLicense(result.freeKey).claims
    const pro = decodeLicense(result.proKey).claims
    expect(free).toMatchObject({ lid: result.licenseId, tier: 'free', entitlements: [] })
    // Same license, re-issued with the Pro plan's claims.
    expect(pro).toMatchObject({
      lid: result.licenseId,
      tier: 'pro',
      entitlements: ['reports'],
      limits: { users: 50 },
    })
    expect(result.license).toMatchObject({ tier: 'pro', status: 'revoked' })
    expect(mail.messages.map((m) => m.to)).toContainEqual(['it@acme.example'])
    expect(lines.some((l) => l.includes('invoice.paid: HTTP 200'))).toBe(true)
  }, 300_000)

  it('refuses an event signed with another secret, and treats a redelivery as a duplicate', async () => {
    const event = subscriptionCreated(newPurchase({ email: 'x@acme.example', price: FREE_PRICE }))
    const forged = await sendStripeEvent(serverUrl, 'whsec_not_the_secret', event)
    expect(forged.status).toBe(400)
    expect(forged.body).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' })
    expect((await sendStripeEvent(serverUrl, SECRET, event)).body).toMatchObject({
      status: 'processed',
    })
    expect((await sendStripeEvent(serverUrl, SECRET, event)).body).toMatchObject({
      status: 'duplicate',
    })
  })
})
