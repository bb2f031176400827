import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerCreate, licenseIssue, planCreate, run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

const data = <T>(r: { data: unknown }): T => r.data as T

let a: RunningServer
let b: RunningServer
let ta: TestContext
let tb: TestContext
let token: string
beforeAll(async () => {
  a = await startServer()
  b = await startServer()
  ta = testContext({ env: { TOLLGATE_URL: a.url, TOLLGATE_API_KEY: a.adminKey } })
  tb = testContext({ env: { TOLLGATE_URL: b.url, TOLLGATE_API_KEY: b.adminKey } })
  const planId = data<{ id: string }>(
    await planCreate({ name: 'Pro', product: 'app', tier: 'pro', perpetual: true }, ta.ctx),
  ).id
  const customer = data<{ id: string }>(await customerCreate({ name: 'Acme' }, ta.ctx))
  token = data<{ token: string }>(
    await licenseIssue({ customer: customer.id, plan: planId }, ta.ctx),
  ).token
})
afterAll(async () => {
  ta?.cleanup()
  tb?.cleanup()
  await a?.close()
  await b?.close()
})

async function validateOn(server: RunningServer, key: string): Promise<{ valid: boolean }> {
  const res = await fetch(`${server.url}/v1/licenses/validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ key }),
  })
  return (await res.json()) as { valid: boolean }
}

describe('tollgate export / import', () => {
  it('exports to a 0600 file, imports into another server, a re-run is a no-op', async () => {
    const pass = join(ta.dir, 'pass.txt')
    writeFileSync(pass, 'a long enough passphrase\n')
    const file = join(ta.dir, 'tenant.jsonl')
    const code = await run(
      ['export', file, '--include-signing-keys', '--passphrase-file', pass, '--json'],
      ta.ctx,
    )
    expect(code, ta.stderr()).toBe(0)
    const summary = JSON.parse(ta.stdout()) as {
      counts: Record<string, number>
      signingKeys: string
    }
    expect(summary.signingKeys).toBe('encrypted')
    expect(summary.counts.license).toBe(1)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8')).not.toContain('PRIVATE KEY')

    expect(
      await run(['import', file, '--passphrase-file', pass, '--json'], tb.ctx),
      tb.stderr(),
    ).toBe(0)
    const first = JSON.parse(tb.stdout()) as { createdTenant: boolean; conflictCount: number }
    expect(first).toMatchObject({ createdTenant: true, conflictCount: 0 })
    expect((await validateOn(b, token)).valid).toBe(true)

    const again = testContext({ env: { TOLLGATE_URL: b.url, TOLLGATE_API_KEY: b.adminKey } })
    try {
      expect(await run(['import', file, '--passphrase-file', pass, '--json'], again.ctx)).toBe(0)
      const second = JSON.parse(again.stdout()) as {
        createdTenant: boolean
        counts: Record<string, { inserted: number }>
      }
      expect(second.createdTenant).toBe(false)
      expect(Object.values(second.counts).every((c) => c.inserted === 0)).toBe(true)
    } finally {
      again.cleanup()
    }
  })

  it('refuses an encrypted export without a passphrase, and a cut file is reported', async () => {
    const file = join(ta.dir, 'tenant.jsonl')
    const c = testContext({ env: { TOLLGATE_URL: b.url, TOLLGATE_API_KEY: b.adminKey } })
    try {
      expect(await run(['import', file], c.ctx)).toBe(2)
      expect(c.stderr()).toContain('passphrase')
    } finally {
      c.cleanup()
    }
    const plain = join(ta.dir, 'plain.jsonl')
    const e = testContext({ env: { TOLLGATE_URL: a.url, TOLLGATE_API_KEY: a.adminKey } })
    try {
      expect(await run(['export', plain], e.ctx), e.stderr()).toBe(0)
    } finally {
      e.cleanup()
    }
    const lines = readFileSync(plain, 'utf8').trim().split('\n')
    const cut = join(ta.dir, 'cut.jsonl')
    writeFileSync(cut, `${lines.slice(0, -1).join('\n')}\n`)
    const d = testContext({ env: { TOLLGATE_URL: b.url, TOLLGATE_API_KEY: b.adminKey } })
    try {
      expect(await run(['import', cut, '--json'], d.ctx)).toBe(1)
      expect(JSON.parse(d.stdout())).toMatchObject({ complete: false })
    } finally {
      d.cleanup()
    }
  })
})
