import { createHash } from 'node:crypto'
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

async function json<T>(argv: string[]): Promise<T> {
  const before = t.stdout().length
  expect(await run([...argv, '--json'], t.ctx), t.stderr()).toBe(0)
  return JSON.parse(t.stdout().slice(before)) as T
}

describe('tollgate trial / user', () => {
  it('creates a trial plan, issues one trial per email, lists and releases named users', async () => {
    const plan = await json<{ id: string; trialDays: number }>([
      'plan',
      'create',
      '--name',
      'Trial',
      '--product',
      'app',
      '--tier',
      'trial',
      '--trial-days',
      '14',
      '--perpetual',
      '--limit',
      'maxUsers=2',
    ])
    expect(plan.trialDays).toBe(14)
    const issued = await json<{ trial: { email: string }; license: { id: string }; token: string }>(
      ['trial', 'issue', '--plan', plan.id, '--email', 'Dev@Cli.test'],
    )
    expect(issued.trial.email).toBe('dev@cli.test')
    expect(issued.token).toMatch(/^TG1-/)
    const code = await run(['trial', 'issue', '--plan', plan.id, '--email', 'dev@cli.test'], t.ctx)
    expect(code).not.toBe(0)
    expect(t.stderr()).toContain('TRIAL_ALREADY_USED')
    const trials = await json<{ items: { email: string; status: string }[]; next: null }>([
      'trial',
      'list',
      '--status',
      'active',
    ])
    expect(trials.items.map((i) => [i.email, i.status])).toEqual([['dev@cli.test', 'active']])
    expect(await run(['trial', 'list', '--status', 'paused'], t.ctx)).not.toBe(0)

    const lic = issued.license.id
    const hash = createHash('sha256').update(`${lic}:alice`).digest('hex')
    const res = await fetch(`${server.url}/v1/licenses/users/assign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: issued.token, userHash: hash }),
    })
    expect(res.status).toBe(200)
    const list = await json<{ items: { userHash: string }[]; used: number; max: number }>([
      'user',
      'list',
      lic,
    ])
    expect(list).toMatchObject({ used: 1, max: 2 })
    expect(list.items.map((i) => i.userHash)).toEqual([hash])
    const released = await json<{ released: boolean; used: number }>([
      'user',
      'release',
      lic,
      'alice',
      '--yes',
    ])
    expect(released).toMatchObject({ released: true, used: 0 })
    expect((await json<{ used: number }>(['user', 'list', lic])).used).toBe(0)
  })
})
