import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifyWebhook } from '../src/index.js'

const secret = 'whsec_test_secret'
const old = 'whsec_old_secret'
const body = JSON.stringify({ id: 'evt_1', type: 'license.created', createdAt: 'x', data: {} })
const now = () => new Date(1_800_000_000_000)
const t = 1_800_000_000
const sign = (s: string, ts = t, b = body) =>
  `v1=${createHmac('sha256', s).update(`${ts}.${b}`).digest('hex')}`

describe('verifyWebhook', () => {
  it('accepts a signature from any given secret and answers the event', () => {
    const header = `t=${t},${sign(secret)},${sign(old)}`
    const r = verifyWebhook(body, header, secret, { now })
    expect(r).toEqual({ valid: true, event: JSON.parse(body) as unknown })
    expect(
      verifyWebhook(Buffer.from(body), `t=${t},${sign(old)}`, [secret, old], { now }).valid,
    ).toBe(true)
  })

  it('refuses a wrong secret, an edited body, an old timestamp and malformed headers', () => {
    expect(verifyWebhook(body, `t=${t},${sign('whsec_other')}`, secret, { now })).toEqual({
      valid: false,
      reason: 'signature',
    })
    expect(verifyWebhook(body + ' ', `t=${t},${sign(secret)}`, secret, { now }).valid).toBe(false)
    expect(verifyWebhook(body, `t=${t - 301},${sign(secret, t - 301)}`, secret, { now })).toEqual({
      valid: false,
      reason: 'timestamp',
    })
    // The timestamp is signed: moving it breaks the signature.
    expect(verifyWebhook(body, `t=${t + 1},${sign(secret)}`, secret, { now }).valid).toBe(false)
    for (const h of [undefined, '', `t=${t}`, `v1=${'0'.repeat(64)}`, 'garbage', ['a', 'b']]) {
      expect(verifyWebhook(body, h, secret, { now })).toMatchObject({ valid: false })
    }
    expect(
      verifyWebhook('not json', `t=${t},${sign(secret, t, 'not json')}`, secret, { now }),
    ).toEqual({ valid: false, reason: 'malformed' })
  })
})
