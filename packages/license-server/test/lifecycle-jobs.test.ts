import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../src/config/load-config.js'
import { DAY } from './helpers/clock.js'
import { post, seedLicense, validate, type Obj } from './helpers/fixtures.js'
import { startInstance } from './helpers/second-instance.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { startReceiver, type Receiver } from './helpers/webhook-receiver.js'

const webhooks = {
  ...loadConfig({}).webhooks,
  allowPrivateNetworks: true,
  intervalMs: 0,
  lifecycleIntervalMs: 0,
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

const inDays = (n: number) => new Date(t.clock.now().getTime() + n * DAY).toISOString()

async function audit(targetId: string): Promise<{ action: string; actor: string }[]> {
  const res = await t.request('GET', `/v1/admin/audit?targetId=${targetId}&limit=200`)
  return res.json<{ items: { action: string; actor: string }[] }>().items.reverse()
}

async function events(licenseId: string, type?: string): Promise<Obj[]> {
  const q = type ? `&type=${type}` : ''
  const res = await t.request('GET', `/v1/admin/events?licenseId=${licenseId}${q}&limit=200`)
  return res.json<{ items: Obj[] }>().items
}

describe('expiry job', () => {
  it('expires a license past exp + grace (fake time), once, audited, with an event; list --status expired finds it', async () => {
    // POLICY: expiryGraceDays 7.
    const { license, token } = await seedLicense(t, { license: { expiresAt: inDays(1) } })
    t.clock.advance(5 * DAY)
    expect(await t.app.webhooks.expire()).not.toContain(license.id)
    expect((await validate(t, token)).code).toBe('GRACE_EXPIRED')
    t.clock.advance(4 * DAY)
    expect(await t.app.webhooks.expire()).toContain(license.id)
    expect(await t.app.webhooks.expire()).toEqual([])

    const shown = (await t.request('GET', `/v1/admin/licenses/${license.id}`)).json<Obj>()
    expect(shown.status).toBe('expired')
    const listed = (await t.request('GET', '/v1/admin/licenses?status=expired')).json<{
      items: Obj[]
    }>()
    expect(listed.items.map((l) => l.id)).toContain(license.id)
    expect((await audit(license.id)).map((e) => `${e.action}:${e.actor}`)).toContain(
      'license.expire:system',
    )
    expect(await events(license.id, 'license.expired')).toHaveLength(1)
    expect((await validate(t, token)).code).toBe('EXPIRED')

    // Renewal revives it (and is an event of its own).
    await post(t, `/v1/admin/licenses/${license.id}/renew`, { expiresAt: inDays(365) }, 200)
    expect((await t.request('GET', `/v1/admin/licenses/${license.id}`)).json<Obj>().status).toBe(
      'active',
    )
    expect(await events(license.id, 'license.renewed')).toHaveLength(1)
  })

  it('two instances expiring at once expire each license exactly once', async () => {
    const ids: string[] = []
    for (let i = 0; i < 6; i++) {
      ids.push((await seedLicense(t, { license: { expiresAt: inDays(1) } })).license.id)
    }
    t.clock.advance(9 * DAY)
    const other = await startInstance(t, { webhooks })
    try {
      const [a, b] = await Promise.all([t.app.webhooks.expire(), other.app.webhooks.expire()])
      const all = [...a, ...b]
      for (const id of ids) expect(all.filter((x) => x === id)).toHaveLength(1)
    } finally {
      await other.close()
    }
    for (const id of ids) {
      expect((await audit(id)).filter((e) => e.action === 'license.expire')).toHaveLength(1)
    }
  })

  // PGlite is one connection: a second session holding the lock cannot exist there.
  it.skipIf(TEST_DB_KIND !== 'postgres')(
    'one runner: while another session holds the expiry lock, a run does nothing',
    async () => {
      const { license } = await seedLicense(t, { license: { expiresAt: inDays(1) } })
      t.clock.advance(9 * DAY)
      let release!: () => void
      const held = new Promise<void>((r) => (release = r))
      let locked!: () => void
      const isLocked = new Promise<void>((r) => (locked = r))
      const holder = t.db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${0x65787069})`.execute(trx)
        locked()
        await held
      })
      await isLocked
      try {
        expect(await t.app.webhooks.expire()).toEqual([])
        expect(await events(license.id, 'license.expired')).toHaveLength(0)
      } finally {
        release()
        await holder
      }
      expect(await t.app.webhooks.expire()).toContain(license.id)
      expect(await events(license.id, 'license.expired')).toHaveLength(1)
    },
  )
})

describe('reminders', () => {
  it('sends each reminder once (30 and 7 days), across instances and restarts, to the customer', async () => {
    const { license } = await seedLicense(t, { license: { expiresAt: inDays(40) } })
    expect(await t.app.webhooks.remind()).toBe(0)
    t.clock.advance(11 * DAY) // 29 days left: the 30-day reminder
    const other = await startInstance(t, { webhooks })
    try {
      const counts = await Promise.all([t.app.webhooks.remind(), other.app.webhooks.remind()])
      expect(counts[0] + counts[1]).toBeGreaterThanOrEqual(1)
    } finally {
      await other.close()
    }
    // A restarted instance (nothing in memory) sends nothing new.
    const restarted = await startInstance(t, { webhooks })
    try {
      await restarted.app.webhooks.remind()
    } finally {
      await restarted.close()
    }
    expect(await events(license.id, 'license.expiring_soon')).toHaveLength(1)
    t.clock.advance(23 * DAY) // 6 days left: the 7-day reminder
    await t.app.webhooks.remind()
    await t.app.webhooks.remind()
    const reminders = await events(license.id, 'license.expiring_soon')
    expect(reminders.map((e) => (e.data as { daysBefore: number }).daysBefore).sort()).toEqual([
      30, 7,
    ])
    const outbox = (await t.request('GET', '/v1/admin/outbox?limit=200')).json<{
      items: { kind: string; recipient: string; licenseId: string; subject: string }[]
    }>().items
    const mine = outbox.filter((m) => m.licenseId === license.id && m.kind === 'reminder.expiry')
    expect(mine).toHaveLength(2)
    expect(mine[0]).toMatchObject({ recipient: 'it@acme.test' })
    expect(mine[0]!.subject).toMatch(/expires on/)
  })

  it('after downtime sends only the nearest reminder; plans choose their days', async () => {
    const { license } = await seedLicense(t, {
      plan: { reminderDays: [14, 3] },
      license: { expiresAt: inDays(2) },
    })
    await t.app.webhooks.remind()
    const got = await events(license.id, 'license.expiring_soon')
    expect(got.map((e) => (e.data as { daysBefore: number }).daysBefore)).toEqual([3])
  })
})

describe('events from N instances', () => {
  it('two instances delivering the same stream: each event once per endpoint, in order per license', async () => {
    const ep = await post<{ endpoint: Obj; secret: string }>(t, '/v1/admin/webhooks', {
      url: rx.url,
      eventTypes: ['license.*'],
    })
    rx.state.secrets.push(ep.secret)
    const ids: string[] = []
    for (let i = 0; i < 4; i++) {
      const { license } = await seedLicense(t)
      ids.push(license.id)
      await post(t, `/v1/admin/licenses/${license.id}/suspend`, { reason: 'a' }, 200)
      await post(t, `/v1/admin/licenses/${license.id}/reinstate`, {}, 200)
      await post(t, `/v1/admin/licenses/${license.id}/revoke`, { reason: 'b' }, 200)
    }
    const other = await startInstance(t, { webhooks })
    try {
      for (let round = 0; round < 30; round++) {
        const [a, b] = await Promise.all([t.app.webhooks.deliver(), other.app.webhooks.deliver()])
        if (a.delivered + b.delivered + a.retried + b.retried === 0) break
      }
    } finally {
      await other.close()
    }
    const seen = new Map<string, number>()
    for (const r of rx.received) seen.set(r.event.id, (seen.get(r.event.id) ?? 0) + 1)
    expect([...seen.values()].every((n) => n === 1)).toBe(true)
    expect(rx.received.every((r) => r.verifiedWith.length === 1)).toBe(true)
    for (const id of ids) {
      const order = rx.received
        .filter((r) => r.event.data.object?.id === id)
        .map((r) => r.event.type)
      expect(order).toEqual([
        'license.created',
        'license.suspended',
        'license.reinstated',
        'license.revoked',
      ])
    }
  })
})
