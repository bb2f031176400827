import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  customerCreate,
  eventList,
  licenseIssue,
  licenseList,
  outboxList,
  planCreate,
  run,
  webhookDeliveries,
  webhookList,
  webhookRotateSecret,
  webhookShow,
  webhookTest,
  webhookUpdate,
} from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

type Obj = Record<string, unknown>
const data = <T>(r: { data: unknown }): T => r.data as T

let server: RunningServer
let t: TestContext
let planId: string
beforeAll(async () => {
  server = await startServer({
    env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOK_INTERVAL_MS: '0' },
  })
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
  planId = data<{ id: string }>(
    await planCreate({ name: 'Pro', product: 'app', tier: 'pro', perpetual: true }, t.ctx),
  ).id
})
afterAll(async () => {
  t?.cleanup()
  await server?.close()
})

describe('tollgate webhook / event', () => {
  it('creates an endpoint (secret once), lists, shows, disables, enables, rotates, tests', async () => {
    expect(
      await run(
        [
          'webhook',
          'create',
          'http://127.0.0.1:9/hooks',
          '--event',
          'license.*,webhook.test',
          '--json',
        ],
        t.ctx,
      ),
      t.stderr(),
    ).toBe(0)
    const created = JSON.parse(t.stdout()) as { endpoint: { id: string }; secret: string }
    expect(created.secret).toMatch(/^whsec_/)
    const id = created.endpoint.id
    const shown = data<Obj>(await webhookShow({ id }, t.ctx))
    expect(shown).toMatchObject({
      id,
      status: 'enabled',
      eventTypes: ['license.*', 'webhook.test'],
    })
    expect(JSON.stringify(shown)).not.toContain(created.secret)
    expect(data<{ items: Obj[] }>(await webhookList({}, t.ctx)).items.map((e) => e.id)).toContain(
      id,
    )

    expect(data<Obj>(await webhookUpdate({ id, status: 'disabled' }, t.ctx)).status).toBe(
      'disabled',
    )
    expect(await run(['webhook', 'enable', id], t.ctx)).toBe(0)
    expect(data<Obj>(await webhookShow({ id }, t.ctx)).status).toBe('enabled')

    const rotated = data<{ secret: string; endpoint: Obj }>(
      await webhookRotateSecret({ id, overlap: 60 }, t.ctx),
    )
    expect(rotated.secret).not.toBe(created.secret)
    expect(rotated.endpoint.previousSecretExpiresAt).toEqual(expect.any(String))

    const { eventId } = data<{ eventId: string }>(await webhookTest({ id }, t.ctx))
    const deliveries = data<{ items: Obj[] }>(await webhookDeliveries({ event: eventId }, t.ctx))
    expect(deliveries.items).toEqual([
      expect.objectContaining({ endpointId: id, status: 'pending' }),
    ])

    const bad = await run(['webhook', 'create', 'ftp://x.test/', '--event', '*'], t.ctx)
    expect(bad).toBe(1)
  })

  it('license issue --email queues the key to the customer; events list shows license.created', async () => {
    const customer = data<{ id: string }>(
      await customerCreate({ name: 'Mail Co', email: 'buyer@mail.test' }, t.ctx),
    )
    const issued = data<{ license: { id: string } }>(
      await licenseIssue({ customer: customer.id, plan: planId, email: true }, t.ctx),
    )
    const messages = data<{ items: Obj[] }>(await outboxList({}, t.ctx)).items
    expect(messages).toContainEqual(
      expect.objectContaining({ licenseId: issued.license.id, recipient: 'buyer@mail.test' }),
    )
    const events = data<{ items: Obj[] }>(await eventList({ license: issued.license.id }, t.ctx))
    expect(events.items.map((e) => e.type)).toEqual(['license.created'])

    const noMail = data<{ id: string }>(await customerCreate({ name: 'No Mail' }, t.ctx))
    expect(
      await run(['license', 'issue', '--customer', noMail.id, '--plan', planId, '--email'], t.ctx),
    ).toBe(1)
    expect(t.stderr()).toMatch(/CUSTOMER_HAS_NO_EMAIL/)
  })

  it('bulk issue from CSV sends one Idempotency-Key per row: a re-run issues nothing twice', async () => {
    writeFileSync(
      join(t.dir, 'rows.csv'),
      [
        'email,name,expiresAt',
        'a@rows.test,A,2030-01-01',
        'b@rows.test,B,2030-01-01',
        'b@rows.test,B,2030-01-01',
        '',
      ].join('\n'),
    )
    const first = data<{ issued: number; results: Obj[] }>(
      await licenseIssue({ from: 'rows.csv', plan: planId, concurrency: 2 }, t.ctx),
    )
    expect(first.issued).toBe(3)
    const again = data<{ issued: number; results: Obj[] }>(
      await licenseIssue({ from: 'rows.csv', plan: planId, concurrency: 2 }, t.ctx),
    )
    expect(again.results.map((r) => r.licenseId)).toEqual(first.results.map((r) => r.licenseId))
    const all = data<{ items: Obj[] }>(await licenseList({ plan: planId, limit: 200 }, t.ctx)).items
    const fromCsv = all.filter((l) => first.results.some((r) => r.licenseId === l.id))
    expect(fromCsv).toHaveLength(3)
    expect(new Set(first.results.map((r) => r.licenseId)).size).toBe(3)
  })
})
