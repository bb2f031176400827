import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { importPem, signLicense, verifyLicense, type Jwks } from '@tollgate/license-client'
import { keysGenerate, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'

let t: TestContext
afterEach(() => t.cleanup())

describe('keys generate', () => {
  it('writes a usable key pair: private PEM 0600, public PEM, JWKS', async () => {
    t = testContext()
    const res = await keysGenerate({ out: 'keys', kid: 'test-1' }, t.ctx)
    const data = res.data as {
      kid: string
      files: Record<'privateKey' | 'publicKey' | 'jwks', string>
    }
    expect(data.kid).toBe('test-1')
    expect(statSync(data.files.privateKey).mode & 0o777).toBe(0o600)
    expect(statSync(join(t.dir, 'keys')).mode & 0o077).toBe(0)
    const privateKey = importPem(readFileSync(data.files.privateKey, 'utf8'))
    const jwks = JSON.parse(readFileSync(data.files.jwks, 'utf8')) as Jwks
    const token = signLicense(
      {
        licenseId: 'lic_x',
        customerId: 'cus_x',
        product: 'p',
        tier: 't',
        entitlements: [],
        limits: {},
        policy: {
          expiryGraceDays: 0,
          offlineGraceDays: 0,
          heartbeatIntervalS: 60,
          maxDeployments: 1,
        },
      },
      { kid: data.kid, privateKey },
    )
    expect(verifyLicense(token, jwks).id).toBe('lic_x')
    expect(importPem(readFileSync(data.files.publicKey, 'utf8')).type).toBe('public')
    // The private key is never part of the output.
    expect(JSON.stringify(res)).not.toContain('PRIVATE KEY')
  })

  it('defaults the kid to the thumbprint and refuses to overwrite without --force', async () => {
    t = testContext()
    expect(await run(['keys', 'generate', '--kid', 'same', '--json'], t.ctx)).toBe(0)
    expect(JSON.parse(t.stdout())).toMatchObject({ kid: 'same' })
    expect(await run(['keys', 'generate', '--kid', 'same'], t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(/Refusing to overwrite/)
    expect(await run(['keys', 'generate', '--kid', 'same', '--force'], t.ctx)).toBe(0)
    const auto = await keysGenerate({}, t.ctx)
    expect((auto.data as { kid: string }).kid).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(await run(['keys', 'generate', '--kid', '../evil'], t.ctx)).toBe(2)
  })
})
