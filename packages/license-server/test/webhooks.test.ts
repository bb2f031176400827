import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/load-config.js'
import { guardedLookup, isPublicAddress } from '../src/webhooks/ssrf-guard.js'
import { postWebhook } from '../src/webhooks/post-webhook.js'
import { DAY } from './helpers/clock.js'
import { post, seedLicense, type Obj } from './helpers/fixtures.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { startReceiver, type Receiver } from './helpers/webhook-receiver.js'

const webhooks = {
  ...loadConfig({}).webhooks,
  allowPrivateNetworks: true,
  intervalMs: 0,
  lifecycleIntervalMs: 0,
  disableAfterFailures: 4,
  // Longer than the 3-day retry window: an endpoint is disabled only after that much failing.
  disableAfterMs: 3.5 * DAY,
  alertEmail: 'owner@vendor.test',
}

let t: TestApp
let rx: Receiver
beforeAll(async () => {
  t = await createTestApp({ config: { webhooks } })
  rx = await startReceiver()
})
afterAll(async () => {
  await rx.close()
  await t.close()
})

interface Endpoint extends Obj {
  status: string
  consecutiveFailures: number
}

async function addEndpoint(eventTypes: string[], extra: Record<string, unknown> = {}) {
  const r = await post<{ endpoint: Endpoint; secret: string }>(t, '/v1/admin/webhooks', {
    url: rx.url,
    eventTypes,
    ...extra,
  })
  rx.state.secrets.push(r.secret)
  return r
}

async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const r = await t.app.webhooks.deliver()
    if (r.delivered + r.retried + r.failed === 0) return
  }
}

async function disableAll() {
  const list = await t.request('GET', '/v1/admin/webhooks?limit=200')
  for (const e of list.json<{ items: Endpoint[] }>().items) {
    await t.request('DELETE', `/v1/admin/webhooks/${e.id}`)
  }
}

beforeEach(async () => {
  await disableAll()
  rx.received.length = 0
  rx.state.secrets = []
  rx.state.failNext = 0
  rx.state.alwaysFail = false
})

describe('vendor webhooks', () => {
  it('signs each event (HMAC over timestamp.body) with an event id; the secret is shown once', async () => {
    const { endpoint, secret } = await addEndpoint(['license.*'])
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    const shown = await t.request('GET', `/v1/admin/webhooks/${endpoint.id}`)
    expect(shown.body).not.toContain(secret)

    const { license } = await seedLicense(t)
    await drain()
    expect(rx.received).toHaveLength(1)
    const got = rx.received[0]!
    expect(got.event.type).toBe('license.created')
    expect(got.event.data.object?.id).toBe(license.id)
    expect(got.headers['tollgate-event-id']).toBe(got.event.id)
    expect(got.headers['tollgate-event-type']).toBe('license.created')
    expect(got.verifiedWith).toEqual([secret])
    const ts = Number(/t=(\d+)/.exec(String(got.headers['tollgate-signature']))![1])
    expect(Math.abs(ts - t.clock.now().getTime() / 1000)).toBeLessThan(2)

    const deliveries = await t.request(
      'GET',
      `/v1/admin/webhooks/deliveries?endpointId=${endpoint.id}`,
    )
    const [d] = deliveries.json<{ items: Obj[] }>().items
    expect(d).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 })
    const detail = (await t.request('GET', `/v1/admin/webhooks/deliveries/${d!.id}`)).json<{
      log: { statusCode: number; latencyMs: number; responseSnippet: string }[]
    }>()
    expect(detail.log).toEqual([
      expect.objectContaining({ statusCode: 200, responseSnippet: 'ok' }),
    ])
  })

  it('sends only the subscribed types; the events list shows every type', async () => {
    await addEndpoint(['license.revoked'])
    const { license } = await seedLicense(t)
    await post(t, `/v1/admin/licenses/${license.id}/suspend`, { reason: 'x' }, 200)
    await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'fraud' }, 200)
    await drain()
    expect(rx.received.map((r) => r.event.type)).toEqual(['license.revoked'])
    const events = await t.request('GET', `/v1/admin/events?licenseId=${license.id}`)
    expect(
      events
        .json<{ items: { type: string }[] }>()
        .items.map((e) => e.type)
        .reverse(),
    ).toEqual(['license.created', 'license.suspended', 'license.revoked'])
  })

  it('retries failures with exponential backoff, keeps one license in order, logs every attempt', async () => {
    await addEndpoint(['license.*'])
    const { license } = await seedLicense(t)
    await post(t, `/v1/admin/licenses/${license.id}/suspend`, { reason: 'late' }, 200)
    rx.state.failNext = 2
    // The license's second event waits behind its first.
    await t.app.webhooks.deliver()
    expect(rx.received.map((r) => r.event.type)).toEqual(['license.created'])
    // Nothing is due until the backoff (30 s, then 60 s) has passed.
    await t.app.webhooks.deliver()
    expect(rx.received).toHaveLength(1)
    t.clock.advance(31_000)
    await t.app.webhooks.deliver()
    expect(rx.received).toHaveLength(2)
    await t.app.webhooks.deliver()
    expect(rx.received).toHaveLength(2)
    t.clock.advance(61_000)
    await drain()
    expect(rx.received.map((r) => `${r.event.type}:${r.status}`)).toEqual([
      'license.created:500',
      'license.created:500',
      'license.created:200',
      'license.suspended:200',
    ])
    const created = rx.received.find((r) => r.event.type === 'license.created')!
    const d = (
      await t.request('GET', `/v1/admin/webhooks/deliveries?eventId=${created.event.id}`)
    ).json<{ items: Obj[] }>().items[0]!
    const log = (await t.request('GET', `/v1/admin/webhooks/deliveries/${d.id}`)).json<{
      log: { statusCode: number; responseSnippet: string }[]
    }>().log
    expect(log.map((a) => a.statusCode)).toContain(500)
    expect(log.at(-1)!.statusCode).toBe(200)
    expect(log.find((a) => a.statusCode === 500)!.responseSnippet).toBe('receiver says no')
  })

  it('gives up after the 3-day retry window; a manual resend delivers the same event id', async () => {
    await addEndpoint(['license.created'])
    rx.state.alwaysFail = true
    await seedLicense(t)
    await t.app.webhooks.deliver()
    for (let i = 0; i < 40; i++) {
      t.clock.advance(6 * 3_600_000)
      await t.app.webhooks.deliver()
    }
    const [d] = (await t.request('GET', '/v1/admin/webhooks/deliveries?status=failed')).json<{
      items: (Obj & { eventId: string })[]
    }>().items
    expect(d).toBeDefined()
    // About 3 days of attempts: 30 s doubling up to 6 h.
    expect(Number(d!.attempts)).toBeGreaterThan(10)
    expect(Number(d!.attempts)).toBeLessThan(30)
    rx.state.alwaysFail = false
    await post(t, `/v1/admin/webhooks/deliveries/${d!.id}/resend`, {}, 200)
    const again = await t.request('POST', `/v1/admin/webhooks/deliveries/${d!.id}/resend`, {})
    expect(again.json()).toMatchObject({ code: 'WEBHOOK_DELIVERY_PENDING', status: 409 })
    rx.received.length = 0
    await drain()
    expect(rx.received.map((r) => r.event.id)).toEqual([d!.eventId])
  })

  it('disables an endpoint after repeated failures, audits it and emails the owner through the outbox', async () => {
    const { endpoint } = await addEndpoint(['license.*'], { alertEmail: 'ops@vendor.test' })
    rx.state.alwaysFail = true
    for (let i = 0; i < 4; i++) await seedLicense(t)
    await t.app.webhooks.deliver()
    // Four failures at once are not enough: the endpoint must keep failing for 3.5 days.
    const early = (await t.request('GET', `/v1/admin/webhooks/${endpoint.id}`)).json<Endpoint>()
    expect(early).toMatchObject({ status: 'enabled', consecutiveFailures: 4 })
    t.clock.advance(3.5 * DAY)
    await t.app.webhooks.deliver()
    const shown = (await t.request('GET', `/v1/admin/webhooks/${endpoint.id}`)).json<Endpoint>()
    expect(shown.status).toBe('disabled')
    const audit = await t.request('GET', `/v1/admin/audit?targetId=${endpoint.id}`)
    expect(audit.json<{ items: { action: string; actor: string }[] }>().items[0]).toMatchObject({
      action: 'webhook_endpoint.disable',
      actor: 'system',
    })
    const outbox = (await t.request('GET', '/v1/admin/outbox?status=pending')).json<{
      items: { kind: string; recipient: string; subject: string }[]
    }>().items
    expect(outbox.find((m) => m.kind === 'webhook.endpoint_disabled')).toMatchObject({
      recipient: 'ops@vendor.test',
    })
    // Disabled: nothing more is sent.
    const n = rx.received.length
    await t.app.webhooks.deliver()
    expect(rx.received.length).toBe(n)
    const enabled = await t.request('PATCH', `/v1/admin/webhooks/${endpoint.id}`, {
      status: 'enabled',
    })
    expect(enabled.json()).toMatchObject({ status: 'enabled', consecutiveFailures: 0 })
  })

  it('rotates the secret with an overlap window: both signatures, then only the new one', async () => {
    const { endpoint, secret: oldSecret } = await addEndpoint(['customer.created'])
    const rotated = await post<{ secret: string; endpoint: Obj }>(
      t,
      `/v1/admin/webhooks/${endpoint.id}/rotate-secret`,
      { overlapSeconds: 3600 },
      200,
    )
    rx.state.secrets.push(rotated.secret)
    await post(t, '/v1/admin/customers', { name: 'A' })
    await drain()
    expect(rx.received.at(-1)!.verifiedWith.sort()).toEqual([oldSecret, rotated.secret].sort())
    t.clock.advance(3_601_000)
    await post(t, '/v1/admin/customers', { name: 'B' })
    await drain()
    expect(rx.received.at(-1)!.verifiedWith).toEqual([rotated.secret])
  })

  it('sends a test event to one endpoint; a slow receiver never blocks an API request', async () => {
    const { endpoint } = await addEndpoint(['license.revoked'])
    rx.state.hold = true
    await post(t, `/v1/admin/webhooks/${endpoint.id}/test`, {}, 202)
    const pass = t.app.webhooks.deliver()
    await rx.waitFor(1)
    // The receiver has not answered yet; the API still answers.
    const res = await t.request('POST', '/v1/admin/customers', { name: 'During delivery' })
    expect(res.statusCode).toBe(201)
    rx.release()
    expect((await pass).delivered).toBe(1)
    expect(rx.received[0]!.event.type).toBe('webhook.test')
  })

  it('records a timeout when the receiver is too slow', async () => {
    const slow = await createTestApp({ config: { webhooks: { ...webhooks, timeoutMs: 200 } } })
    try {
      rx.state.hold = true
      const r = await post<{ endpoint: Obj }>(
        slow,
        '/v1/admin/webhooks',
        {
          url: rx.url,
          eventTypes: ['*'],
        },
        201,
      )
      await post(slow, `/v1/admin/webhooks/${r.endpoint.id}/test`, {}, 202)
      expect((await slow.app.webhooks.deliver()).retried).toBe(1)
      const d = (await slow.request('GET', '/v1/admin/webhooks/deliveries')).json<{
        items: { lastError: string; status: string }[]
      }>().items[0]!
      expect(d).toMatchObject({ status: 'pending' })
      expect(d.lastError).toMatch(/timeout/)
    } finally {
      rx.release()
      await slow.close()
    }
  })

  it('validates endpoint input and hides other tenants\u2019 endpoints', async () => {
    const bad = await t.request('POST', '/v1/admin/webhooks', { url: rx.url, eventTypes: ['nope'] })
    expect(bad.statusCode).toBe(400)
    const { endpoint } = await addEndpoint(['*'])
    const other = await t.addTenant()
    const res = await t.request(
      'GET',
      `/v1/admin/webhooks/${endpoint.id}`,
      undefined,
      other.adminKey,
    )
    expect(res.json()).toMatchObject({ code: 'NOT_FOUND' })
    // The other tenant's changes never reach this tenant's endpoint.
    await t.request('POST', '/v1/admin/customers', { name: 'Theirs' }, other.adminKey)
    await drain()
    expect(rx.received).toHaveLength(0)
  })
})

describe('SSRF guard', () => {
  let strict: TestApp
  beforeAll(async () => {
    strict = await createTestApp({
      config: { webhooks: { ...webhooks, allowPrivateNetworks: false } },
    })
  })
  afterAll(() => strict.close())

  it('refuses loopback, private, link-local and plain-http URLs unless allowed', async () => {
    for (const url of [
      rx.url,
      `https://127.0.0.1:${rx.port}/hooks`,
      'https://localhost/hooks',
      'https://10.1.2.3/hooks',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/hooks',
      'https://[::ffff:127.0.0.1]/hooks',
      'https://[fe80::1]/hooks',
      'https://user:pw@hooks.example.com/x',
    ]) {
      const res = await strict.request('POST', '/v1/admin/webhooks', { url, eventTypes: ['*'] })
      expect(res.json(), url).toMatchObject({ code: 'WEBHOOK_URL_NOT_ALLOWED', status: 400 })
    }
    const ok = await strict.request('POST', '/v1/admin/webhooks', {
      url: 'https://hooks.example.com/tollgate',
      eventTypes: ['*'],
    })
    expect(ok.statusCode).toBe(201)
  })

  it('checks addresses after DNS resolution and never connects to a private one', async () => {
    const n = rx.received.length
    const r = await postWebhook(
      `https://127.0.0.1:${rx.port}/hooks`,
      '{}',
      {},
      {
        timeoutMs: 5000,
        allowPrivate: false,
      },
    )
    expect(r.error).toMatch(/blocked/)
    const viaDns = await new Promise<Error | null>((resolve) =>
      guardedLookup('localhost', { all: true }, (err) => resolve(err)),
    )
    expect(viaDns?.message).toMatch(/private or reserved/)
    expect(rx.received.length).toBe(n)
  })

  it('classifies addresses', () => {
    for (const ip of [
      '127.0.0.1',
      '10.0.0.1',
      '172.20.1.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      'not-an-ip',
    ]) {
      expect(isPublicAddress(ip), ip).toBe(false)
    }
    for (const ip of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) {
      expect(isPublicAddress(ip), ip).toBe(true)
    }
  })
})
