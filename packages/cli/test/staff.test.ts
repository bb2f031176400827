import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '@tollgate/cli'
import { testContext, type TestContext } from './helpers/context.js'
import { startServer, type RunningServer } from './helpers/server.js'

let server: RunningServer
let t: TestContext
beforeAll(async () => {
  server = await startServer()
  t = testContext({ env: { TOLLGATE_URL: server.url, TOLLGATE_API_KEY: server.adminKey } })
})
afterAll(async () => {
  t?.cleanup()
  await server?.close()
})

describe('tollgate staff', () => {
  it('invites a member and prints the one-time console link (--json for scripts)', async () => {
    const before = t.stdout().length
    expect(
      await run(['staff', 'invite', 'sam@vendor.test', '--role', 'support', '--json'], t.ctx),
      t.stderr(),
    ).toBe(0)
    const inv = JSON.parse(t.stdout().slice(before)) as { url: string; role: string }
    expect(inv.role).toBe('support')
    expect(inv.url).toMatch(new RegExp(`^${server.url}/console/invite/[A-Za-z0-9_-]{32}$`))
    // The link is a real console page.
    const page = await fetch(inv.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('sam@vendor.test')

    const human = t.stdout().length
    expect(await run(['staff', 'invite', 'kim@vendor.test', '--role', 'sales'], t.ctx)).toBe(0)
    const text = t.stdout().slice(human)
    expect(text).toContain('One-time console link (shown only once; send it to kim@vendor.test)')
    expect(text).toMatch(/\/console\/invite\/[A-Za-z0-9_-]{32}/)
  })

  it('asks before inviting an owner: refused without a terminal unless --yes', async () => {
    const before = t.stdout().length
    expect(await run(['staff', 'invite', 'boss@vendor.test', '--role', 'owner'], t.ctx)).toBe(2)
    expect(t.stderr()).toContain('confirmation needed')
    expect(t.stdout().length).toBe(before)
    expect(
      await run(
        ['staff', 'invite', 'boss@vendor.test', '--role', 'owner', '--yes', '--json'],
        t.ctx,
      ),
    ).toBe(0)
    expect(JSON.parse(t.stdout().slice(before))).toMatchObject({ role: 'owner' })
  })

  it('refuses a bad role before calling the server and shows the server message for a bad email', async () => {
    expect(await run(['staff', 'invite', 'x@vendor.test', '--role', 'root'], t.ctx)).toBe(2)
    expect(t.stderr()).toContain('Allowed choices are owner, admin, support, sales, read-only')
    const err = t.stderr().length
    expect(await run(['staff', 'invite', 'not-an-email', '--role', 'support'], t.ctx)).not.toBe(0)
    expect(t.stderr().slice(err)).toContain('VALIDATION_FAILED')
  })

  it('lists the members', async () => {
    const before = t.stdout().length
    expect(await run(['staff', 'list', '--json'], t.ctx), t.stderr()).toBe(0)
    expect(JSON.parse(t.stdout().slice(before))).toEqual({ items: [], nextCursor: null })
  })
})
