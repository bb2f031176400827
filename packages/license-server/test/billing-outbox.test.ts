import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { buildApp } from '../src/app.js'
import { backoffMs, deliverOutbox } from '../src/outbox/deliver-outbox.js'
import type { MessageSender, OutgoingMessage } from '../src/outbox/message-sender.js'
import { enqueueMessage } from '../src/outbox/outbox.repository.js'
import { createSmtpSender } from '../src/outbox/smtp-sender.js'
import { createLogSender } from '../src/outbox/log-sender.js'
import { fakeSmtp } from './helpers/fake-smtp.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { createTestApp, TEST_MASTER_KEY, type TestApp } from './helpers/test-app.js'
import {
  billingConfig,
  checkoutSession,
  createPlan,
  deliver,
  event,
  sid,
  unix,
} from './billing-fixtures.js'

let t: TestApp
let dir: string
let cert: { key: string; cert: string }
beforeAll(async () => {
  t = await createTestApp({ config: { billing: billingConfig() } })
  dir = mkdtempSync(join(tmpdir(), 'tg-smtp-'))
  // A throwaway self-signed certificate for the STARTTLS test (real openssl child process).
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  cert = {
    key: readFileSync(join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
  }
})
afterAll(async () => {
  await t.close()
  rmSync(dir, { recursive: true, force: true })
})

async function queue(to: string, body = 'hello\n.leading dot line\nTG1-key-here') {
  const key = sid('k')
  await enqueueMessage(t.db, {
    tenantId: t.tenantId,
    kind: 'license.issued',
    dedupeKey: key,
    recipient: to,
    subject: 'Your key',
    body,
    now: t.clock.now(),
  })
  return t.db
    .selectFrom('outbox_messages')
    .selectAll()
    .where('dedupe_key', '=', key)
    .executeTakeFirstOrThrow()
}

async function drain(sender: MessageSender) {
  // Only this file's queue matters; run until nothing is due.
  return deliverOutbox(t.db, sender, {
    now: t.clock.now,
    policy: { maxAttempts: 3, baseDelayMs: 60_000 },
  })
}

describe(`outbox delivery and retries (${TEST_DB_KIND})`, () => {
  it('retries a failing sender with exponential backoff, then delivers and clears the body', async () => {
    await drain({ name: 'sink', send: async () => undefined })
    const msg = await queue('retry@acme.test')
    let calls = 0
    const flaky: MessageSender = {
      name: 'flaky',
      async send() {
        calls += 1
        if (calls < 3) throw new TypeError(`relay down (${calls})`)
      },
    }
    expect(await drain(flaky)).toEqual({ sent: 0, retried: 1, failed: 0 })
    let row = await t.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', msg.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'flaky: relay down (1)',
    })
    expect(row.next_attempt_at.getTime() - t.clock.now().getTime()).toBe(60_000)
    // Not due yet: nothing happens.
    expect(await drain(flaky)).toEqual({ sent: 0, retried: 0, failed: 0 })
    t.clock.advance(60_000)
    expect(await drain(flaky)).toEqual({ sent: 0, retried: 1, failed: 0 })
    row = await t.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', msg.id)
      .executeTakeFirstOrThrow()
    expect(row.next_attempt_at.getTime() - t.clock.now().getTime()).toBe(120_000)
    t.clock.advance(120_000)
    expect(await drain(flaky)).toEqual({ sent: 1, retried: 0, failed: 0 })
    row = await t.db
      .selectFrom('outbox_messages')
      .selectAll()
      .where('id', '=', msg.id)
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ status: 'sent', attempts: 3, body: null, last_error: null })
    expect(backoffMs(1)).toBe(30_000)
    expect(backoffMs(30)).toBe(6 * 3_600_000)
  })

  it('gives up after maxAttempts; the admin lists it as failed and can re-queue it', async () => {
    const msg = await queue('dead@acme.test')
    const down: MessageSender = {
      name: 'down',
      send: async () => Promise.reject(new TypeError('nope')),
    }
    for (let i = 0; i < 3; i++) {
      await drain(down)
      t.clock.advance(10 * 60_000)
    }
    const failed = await t.request('GET', '/v1/admin/outbox?status=failed')
    expect(failed.statusCode).toBe(200)
    const item = failed
      .json<{ items: Record<string, unknown>[] }>()
      .items.find((i) => i.id === msg.id)
    expect(item).toMatchObject({
      status: 'failed',
      attempts: 3,
      recipient: 'dead@acme.test',
      lastError: 'down: nope',
      kind: 'license.issued',
    })
    expect(item).not.toHaveProperty('body')
    const retry = await t.request('POST', `/v1/admin/outbox/${msg.id}/retry`)
    expect(retry.json()).toMatchObject({ status: 'pending', attempts: 0 })
    expect(await drain({ name: 'ok', send: async () => undefined })).toMatchObject({ sent: 1 })
    expect(
      (await t.request('POST', `/v1/admin/outbox/${msg.id}/retry`)).json<{ code: string }>().code,
    ).toBe('OUTBOX_MESSAGE_NOT_RETRYABLE')
  })

  it('two workers at once never send the same message twice', async () => {
    for (let i = 0; i < 6; i++) await queue(`w${i}@acme.test`)
    const seen: string[] = []
    const slow: MessageSender = {
      name: 'slow',
      async send(m: OutgoingMessage) {
        seen.push(m.id)
        await new Promise((r) => setTimeout(r, 5))
      },
    }
    const [a, b] = await Promise.all([drain(slow), drain(slow)])
    expect(a.sent + b.sent).toBe(6)
    expect(new Set(seen).size).toBe(seen.length)
  })

  it("a paid checkout ends up in the buyer's mailbox through the app's sender", async () => {
    await drain({ name: 'sink', send: async () => undefined })
    const plan = await createPlan(t, {
      tier: 'mail',
      price: 'price_mail',
      entitlements: ['x'],
      limits: {},
    })
    await deliver(
      t,
      event(
        'checkout.session.completed',
        checkoutSession({
          subscription: sid('sub'),
          customer: sid('cus'),
          email: 'inbox@acme.test',
          planId: plan,
          created: unix(t),
        }),
        unix(t),
      ),
    )
    const got: OutgoingMessage[] = []
    const report = await t.app.billing.deliver({
      name: 'capture',
      send: async (m) => void got.push(m),
    })
    expect(report.sent).toBe(1)
    expect(got[0]).toMatchObject({
      to: 'inbox@acme.test',
      subject: 'Your tollgate-app license key (mail)',
    })
    expect(got[0]!.text).toMatch(/^TG1-\S+$/m)
    const sent = await t.request('GET', '/v1/admin/outbox?status=sent&limit=1')
    expect(sent.json<{ items: Record<string, unknown>[] }>().items[0]).toMatchObject({
      recipient: 'inbox@acme.test',
      status: 'sent',
    })
  })

  it('the app delivers on its own timer (OUTBOX_INTERVAL_S) and stops it on close', async () => {
    await drain({ name: 'sink', send: async () => undefined })
    const app = await buildApp({
      env: {},
      config: {
        masterKey: TEST_MASTER_KEY,
        dataDir: 'memory://',
        logLevel: 'silent',
        billing: billingConfig({ outboxIntervalS: 1, sweepIntervalS: 1 }),
      },
      db: t.db,
      now: t.clock.now,
      logger: false,
    })
    await app.ready()
    try {
      const msg = await queue('timer@acme.test')
      await vi.waitFor(
        async () => {
          const row = await t.db
            .selectFrom('outbox_messages')
            .select('status')
            .where('id', '=', msg.id)
            .executeTakeFirstOrThrow()
          expect(row.status).toBe('sent')
        },
        { timeout: 15_000, interval: 200 },
      )
    } finally {
      await app.close()
    }
  })

  it('the log sender logs recipient and subject, never the body', async () => {
    const logged: object[] = []
    const sender = createLogSender({ info: (obj) => void logged.push(obj) })
    await sender.send({ id: 'msg_1', to: 'a@b.test', subject: 'S', text: 'TG1-secret-key' })
    expect(logged).toEqual([{ outboxId: 'msg_1', to: 'a@b.test', subject: 'S' }])
  })
})

describe('SMTP sender (real TCP server)', () => {
  it('submits the message over STARTTLS with AUTH PLAIN, dot-stuffed, headers intact', async () => {
    const smtp = await fakeSmtp(cert)
    try {
      const sender = createSmtpSender({
        host: '127.0.0.1',
        port: smtp.port,
        from: 'licenses@vendor.test',
        user: 'apikey',
        password: 'p4ss',
        tls: { ca: cert.cert },
      })
      await sender.send({
        id: 'msg_abc',
        to: 'buyer@acme.test',
        subject: 'Your key',
        text: 'line one\n.starts with a dot\nTG1-key',
      })
      expect(smtp.accepted).toHaveLength(1)
      const m = smtp.accepted[0]!
      expect(m).toMatchObject({
        from: 'licenses@vendor.test',
        to: ['buyer@acme.test'],
        tls: true,
        auth: '\0apikey\0p4ss',
      })
      expect(m.data).toContain('Subject: Your key\r\n')
      expect(m.data).toContain('Message-ID: <msg_abc@vendor.test>')
      expect(m.data).toContain('\r\n..starts with a dot\r\n')
    } finally {
      smtp.server.close()
    }
  })

  it('refuses to send credentials without TLS, and reports a 4xx reply as a retryable failure', async () => {
    const smtp = await fakeSmtp()
    try {
      const insecure = createSmtpSender({
        host: '127.0.0.1',
        port: smtp.port,
        from: 'l@v.test',
        user: 'u',
        password: 'secret-pw',
      })
      const err = await insecure
        .send({ id: 'm1', to: 'b@a.test', subject: 's', text: 't' })
        .catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'SMTP_INSECURE' })
      expect(String((err as Error).message)).not.toContain('secret-pw')

      smtp.state.tempFailures = 1
      const plain = createSmtpSender({ host: '127.0.0.1', port: smtp.port, from: 'l@v.test' })
      const temp = await plain
        .send({ id: 'm2', to: 'b@a.test', subject: 's', text: 't' })
        .catch((e: unknown) => e)
      expect(temp).toMatchObject({ code: 'SMTP_REJECTED' })
      expect((temp as Error).message).toContain('451')
      await plain.send({ id: 'm3', to: 'b@a.test', subject: 'Grüße', text: 'non-ASCII body: ü' })
      const last = smtp.accepted.at(-1)!
      expect(last.data).toContain('Subject: =?UTF-8?B?')
      expect(last.data).toContain('Content-Transfer-Encoding: base64')
      await expect(
        plain.send({ id: 'm4', to: 'b@a.test', subject: 'x\r\nBcc: evil@x.test', text: 't' }),
      ).rejects.toMatchObject({ code: 'SMTP_BAD_MESSAGE' })
      await expect(
        plain.send({ id: 'm5', to: 'b@a.test>\r\nRCPT TO:<evil@x.test', subject: 'x', text: 't' }),
      ).rejects.toMatchObject({ code: 'SMTP_BAD_MESSAGE' })
    } finally {
      smtp.server.close()
    }
  })

  it('fails with SMTP_CONNECTION when nothing listens', async () => {
    const smtp = await fakeSmtp()
    const port = smtp.port
    await new Promise((r) => smtp.server.close(r))
    const sender = createSmtpSender({ host: '127.0.0.1', port, from: 'l@v.test', timeoutMs: 2000 })
    await expect(
      sender.send({ id: 'm', to: 'b@a.test', subject: 's', text: 't' }),
    ).rejects.toMatchObject({ code: 'SMTP_CONNECTION' })
  })
})
