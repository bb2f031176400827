import { expect } from 'vitest'
import { hashPassword } from '../../src/console/password.js'
import { newRecoveryCodes } from '../../src/console/recovery-codes.js'
import type { StaffRole } from '../../src/console/roles.js'
import { acceptInvite, createInvite } from '../../src/console/staff.service.js'
import { newTotpSecret, totpCode, totpStep } from '../../src/console/totp.js'
import type { TestApp } from './test-app.js'
import { Browser } from './web-client.js'

/** A staff member a test created, with everything needed to sign in. */
export interface TestStaff {
  id: string
  email: string
  password: string
  totpSecret: string
  recoveryCodes: string[]
  tenantId: string
}

let counter = 0

/** Creates a staff member through the real invitation services (no HTTP). */
export async function createStaff(
  t: TestApp,
  role: StaffRole,
  opts: { tenantId?: string; email?: string } = {},
): Promise<TestStaff> {
  counter += 1
  const tenantId = opts.tenantId ?? t.tenantId
  const email = opts.email ?? `${role}-${counter}-${Date.now()}@vendor.test`
  const password = `password-${counter}-long-enough`
  const totpSecret = newTotpSecret()
  const { codes, hashes } = newRecoveryCodes()
  const at = t.clock.now()
  const row = await t.db.transaction().execute(async (trx) => {
    const { token } = await createInvite(trx, {
      tenantId,
      email,
      role,
      actor: { actor: 'test' },
      now: at,
    })
    return acceptInvite(trx, {
      token,
      email,
      name: `${role} ${counter}`,
      passwordHash: await hashPassword(password),
      totpSecret,
      // Enrolment used the previous step, so the current step's code is fresh for sign-in.
      totpStep: totpStep(at) - 2,
      recoveryHashes: hashes,
      masterKey: t.app.tollgate.signingKeys.masterKey,
      now: at,
      request: { id: 'test', ip: '127.0.0.1' },
    })
  })
  return { id: row.id, email, password, totpSecret, recoveryCodes: codes, tenantId }
}

/** The current TOTP code of a member (on the app's fake clock). */
export function currentCode(t: TestApp, s: TestStaff): string {
  return totpCode(s.totpSecret, totpStep(t.clock.now()))
}

/** Signs a member in through the real forms (password, then TOTP); returns the browser. */
export async function signInStaff(t: TestApp, s: TestStaff): Promise<Browser> {
  const b = new Browser(t)
  const page = await b.get('/console/login')
  const first = await b.post('/console/login', {
    email: s.email,
    password: s.password,
    _csrf: b.csrf(page.body),
  })
  expect(first.statusCode, first.body).toBe(303)
  const totpPage = await b.get('/console/login/totp')
  // Each sign-in needs a fresh step (codes are single-use): move the clock one step on.
  t.clock.advance(30_000)
  const second = await b.post('/console/login/totp', {
    code: currentCode(t, s),
    _csrf: b.csrf(totpPage.body),
  })
  expect(second.statusCode, second.body).toBe(303)
  return b
}
