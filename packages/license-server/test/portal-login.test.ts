import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_LOGIN_POLICY } from '../src/portal/portal.config.js'
import { requestLoginCode } from '../src/portal/request-login-code.js'
import { verifyLoginCode } from '../src/portal/verify-login-code.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { TEST_DB_KIND } from './helpers/test-db.js'
import { latestCode, seedPortalCustomer, type PortalCustomer } from './portal-support.js'

let t: TestApp
let acme: PortalCustomer
const policy = DEFAULT_LOGIN_POLICY
const MIN = 60_000

beforeAll(async () => {
  t = await createTestApp()
  acme = await seedPortalCustomer(t, 'buyer@acme.test')
})
afterAll(() => t.close())

const ask = (email: unknown) =>
  requestLoginCode(t.db, { tenantId: t.tenantId, email, now: t.clock.now(), policy })
const verify = (email: unknown, code: unknown) =>
  verifyLoginCode(t.db, { tenantId: t.tenantId, email, code, now: t.clock.now(), policy })

async function codeRows(email: string) {
  return t.db.selectFrom('portal_login_codes').selectAll().where('email', '=', email).execute()
}

describe(`portal sign-in codes (${TEST_DB_KIND})`, () => {
  it('emails a 6-digit code to a known person and signs them in once, audited', async () => {
    expect(await ask('  Buyer@ACME.test ')).toEqual({ ok: true, email: 'buyer@acme.test' })
    const code = await latestCode(t, 'buyer@acme.test')
    expect(code).toMatch(/^[0-9]{6}$/)
    // Stored hashed: the code appears nowhere in the row.
    const [row] = await codeRows('buyer@acme.test')
    expect(JSON.stringify(row)).not.toContain(code)
    const ok = await verify('buyer@acme.test', code)
    expect(ok.ok && ok.user.id).toBe(acme.principal.userId)
    expect(ok.ok && ok.user.status).toBe('active')
    // Single use.
    expect(await verify('buyer@acme.test', code)).toEqual({ ok: false, reason: 'invalid' })
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'portal.login')
      .execute()
    expect(audit.at(-1)).toMatchObject({
      actor: `portal:${acme.principal.userId}`,
      target_id: acme.customer.id,
    })
  })

  it('answers an unknown email exactly like a known one, and sends nothing', async () => {
    const before = await t.db.selectFrom('outbox_messages').select('id').execute()
    expect(await ask('nobody@nowhere.test')).toEqual({ ok: true, email: 'nobody@nowhere.test' })
    const after = await t.db.selectFrom('outbox_messages').select('id').execute()
    expect(after.length).toBe(before.length)
    // The same work happened: a hashed code row exists (for nobody).
    const rows = await codeRows('nobody@nowhere.test')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.user_id).toBeNull()
    for (const guess of ['000000', '123456']) {
      expect(await verify('nobody@nowhere.test', guess)).toEqual({ ok: false, reason: 'invalid' })
    }
  })

  it('rejects garbage emails and codes without writing anything', async () => {
    for (const bad of [
      '',
      'no-at-sign',
      'a@b',
      `x\u0000@acme.test`,
      'a'.repeat(300) + '@x.test',
      null,
      42,
    ]) {
      expect(await ask(bad)).toEqual({ ok: false, reason: 'bad_email' })
    }
    expect(await verify('not an email', '123456')).toEqual({ ok: false, reason: 'invalid' })
  })

  it('expires a code after 10 minutes', async () => {
    await ask('buyer@acme.test')
    const code = await latestCode(t, 'buyer@acme.test')
    t.clock.advance(10 * MIN + 1000)
    expect(await verify('buyer@acme.test', code)).toEqual({ ok: false, reason: 'expired' })
  })

  it('a newer code supersedes the older one', async () => {
    t.clock.advance(policy.windowMs)
    await ask('buyer@acme.test')
    const first = await latestCode(t, 'buyer@acme.test')
    await ask('buyer@acme.test')
    const second = await latestCode(t, 'buyer@acme.test')
    if (first !== second) {
      expect(await verify('buyer@acme.test', first)).toEqual({ ok: false, reason: 'invalid' })
    }
    expect((await verify('buyer@acme.test', second)).ok).toBe(true)
  })

  it('locks the email after 5 wrong codes, burns the live code, and lets it in after the lock', async () => {
    t.clock.advance(policy.windowMs)
    await ask('buyer@acme.test')
    const code = (await latestCode(t, 'buyer@acme.test'))!
    const wrong = code === '000000' ? '111111' : '000000'
    for (let i = 0; i < 4; i++) {
      expect(await verify('buyer@acme.test', wrong)).toEqual({ ok: false, reason: 'invalid' })
    }
    const fifth = await verify('buyer@acme.test', wrong)
    expect(fifth.ok === false && fifth.reason).toBe('locked')
    // Even the right code is refused while locked.
    expect((await verify('buyer@acme.test', code)).ok).toBe(false)
    // Requests while locked send nothing (same answer).
    const sent = (await t.db.selectFrom('outbox_messages').select('id').execute()).length
    expect((await ask('buyer@acme.test')).ok).toBe(true)
    expect((await t.db.selectFrom('outbox_messages').select('id').execute()).length).toBe(sent)
    t.clock.advance(policy.lockMs + 1000)
    expect((await verify('buyer@acme.test', code)).ok).toBe(false)
    await ask('buyer@acme.test')
    expect((await verify('buyer@acme.test', await latestCode(t, 'buyer@acme.test'))).ok).toBe(true)
  })

  it('sends at most 5 codes per email per 15 minutes', async () => {
    t.clock.advance(policy.windowMs)
    const count = async () =>
      (
        await t.db
          .selectFrom('outbox_messages')
          .select('id')
          .where('recipient', '=', 'buyer@acme.test')
          .execute()
      ).length
    const start = await count()
    for (let i = 0; i < 7; i++) expect((await ask('buyer@acme.test')).ok).toBe(true)
    expect((await count()) - start).toBe(5)
  })

  it('provisions the buyer named on a customer as its admin on the first request', async () => {
    const res = await t.request('POST', '/v1/admin/customers', {
      name: 'Globex',
      email: 'Boss@Globex.test',
    })
    expect(res.statusCode).toBe(201)
    await ask('boss@globex.test')
    const code = await latestCode(t, 'boss@globex.test')
    const r = await verify('boss@globex.test', code)
    expect(r.ok && r.user).toMatchObject({
      role: 'admin',
      customer_id: res.json<{ id: string }>().id,
    })
  })

  it('refuses a disabled person even with a code sent before they were disabled', async () => {
    const res = await t.request('POST', `/v1/admin/customers/${acme.customer.id}/portal-users`, {
      email: 'gone@acme.test',
      role: 'member',
    })
    expect(res.statusCode).toBe(201)
    await ask('gone@acme.test')
    const code = await latestCode(t, 'gone@acme.test')
    await t.db
      .updateTable('portal_users')
      .set({ status: 'disabled' })
      .where('email', '=', 'gone@acme.test')
      .execute()
    expect(await verify('gone@acme.test', code)).toEqual({ ok: false, reason: 'invalid' })
  })
})

describe(`portal sign-in state clean-up (${TEST_DB_KIND})`, () => {
  it('purges expired codes and idle throttle rows, keeps live lock-outs', async () => {
    const { purgeLoginState } = await import('../src/portal/login-throttle.repository.js')
    await ask('purge-me@nowhere.test')
    expect(await codeRows('purge-me@nowhere.test')).toHaveLength(1)
    await t.db
      .updateTable('portal_login_throttle')
      .set({ locked_until: new Date(t.clock.now().getTime() + 10 * 86_400_000) })
      .where('email', '=', 'buyer@acme.test')
      .execute()
    t.clock.advance(2 * 86_400_000)
    await purgeLoginState(t.db, t.clock.now(), 86_400_000)
    expect(await codeRows('purge-me@nowhere.test')).toHaveLength(0)
    const left = await t.db.selectFrom('portal_login_throttle').select('email').execute()
    expect(left.map((r) => r.email)).toEqual(['buyer@acme.test'])
  })
})
