// The one-line demo (`pnpm demo`) comes up: server, CLI-issued license, example app, and the
// "what to try" text, then exits cleanly (DEMO_EXIT_AFTER_READY=1) leaving no process behind.
import { describe, expect, it } from 'vitest'
import { NODE_TS, freePort, run } from '../../scripts/lib/processes.js'

describe('pnpm demo', () => {
  it('starts everything, prints what to try, and shuts down', async () => {
    const [serverPort, appPort] = [await freePort(), await freePort()]
    const res = await run(
      [...NODE_TS, 'scripts/demo.ts'],
      {
        DEMO_SERVER_PORT: String(serverPort),
        DEMO_APP_PORT: String(appPort),
        DEMO_EXIT_AFTER_READY: '1',
      },
      { timeoutMs: 480_000 },
    )
    expect(res.code, res.stdout + res.stderr).toBe(0)
    expect(res.stdout).toMatch(/license lic_[0-9a-z]+ \(free/)
    expect(res.stdout).toContain('[app] license: valid')
    expect(res.stdout).toContain(`curl http://127.0.0.1:${appPort}/reports`)
    // The seat line matches the app: it starts with the owner, so 2 of the 3 seats are left.
    expect(res.stdout).toContain('the owner holds 1 of 3 seats: 2 more, then 402')
    // Everything was stopped: both ports are free again.
    await expect(fetch(`http://127.0.0.1:${appPort}/`)).rejects.toThrow()
    await expect(fetch(`http://127.0.0.1:${serverPort}/health`)).rejects.toThrow()
  }, 600_000)
})
