import { readFileSync, statSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createContext, defaultConfigPath, login, profileList, run } from '@tollgate/cli'
import { resolveConnection } from '../src/lib/config.js'
import { testContext, type TestContext } from './helpers/context.js'

let t: TestContext
afterEach(() => t.cleanup())

describe('login and profiles', () => {
  it('saves the profile in a 0600 file inside a 0700 directory', async () => {
    t = testContext({ stdin: 'tg_admin_secret123456\n' })
    const res = await login({ url: 'http://a.example', withToken: true, verify: false }, t.ctx)
    expect(res.data).toMatchObject({
      profile: 'default',
      url: 'http://a.example',
      apiKey: 'tg_admin_sec…',
    })
    expect(statSync(t.ctx.configPath).mode & 0o777).toBe(0o600)
    expect(statSync(dirname(t.ctx.configPath)).mode & 0o777).toBe(0o700)
    expect(JSON.parse(readFileSync(t.ctx.configPath, 'utf8'))).toEqual({
      currentProfile: 'default',
      profiles: { default: { url: 'http://a.example', apiKey: 'tg_admin_secret123456' } },
    })
    // The secret never reaches the output.
    expect(JSON.stringify(res)).not.toContain('secret123456')
  })

  it('keeps several profiles, switches between them and masks keys in the list', async () => {
    t = testContext({ stdin: 'tg_admin_bbbbbbbbbbbb' })
    await login({ url: 'http://a.example', withToken: true, verify: false }, t.ctx)
    await login(
      { url: 'http://b.example', profile: 'staging', withToken: true, verify: false },
      t.ctx,
    )
    expect(await resolveConnection({}, t.ctx)).toMatchObject({
      url: 'http://b.example',
      profile: 'staging',
    })
    expect(await run(['profile', 'use', 'default'], t.ctx)).toBe(0)
    expect(await resolveConnection({}, t.ctx)).toMatchObject({
      url: 'http://a.example',
      profile: 'default',
    })
    const rows = (await profileList({}, t.ctx)).data as {
      name: string
      current: boolean
      apiKey: string
    }[]
    expect(rows.map((r) => [r.name, r.current])).toEqual([
      ['default', true],
      ['staging', false],
    ])
    expect(rows.every((r) => !r.apiKey.includes('bbbbbbbbbbbb'))).toBe(true)
    expect(await run(['profile', 'use', 'nope'], t.ctx)).toBe(2)
    expect(await run(['logout', '--profile', 'staging'], t.ctx)).toBe(0)
    const saved = JSON.parse(readFileSync(t.ctx.configPath, 'utf8')) as { profiles: object }
    expect(Object.keys(saved.profiles)).toEqual(['default'])
  })

  it('resolves --url over TOLLGATE_URL over the profile, and TOLLGATE_PROFILE picks the profile', async () => {
    t = testContext({ stdin: 'tg_admin_cccccccccccc' })
    await login({ url: 'http://a.example', withToken: true, verify: false }, t.ctx)
    await login({ url: 'http://b.example', profile: 'b', withToken: true, verify: false }, t.ctx)
    const env = (e: Record<string, string>) => ({ ...t.ctx, env: e })
    expect(await resolveConnection({}, env({ TOLLGATE_PROFILE: 'default' }))).toMatchObject({
      url: 'http://a.example',
      urlSource: 'profile',
    })
    expect(
      await resolveConnection(
        {},
        env({ TOLLGATE_URL: 'http://env.example', TOLLGATE_API_KEY: 'k' }),
      ),
    ).toMatchObject({
      url: 'http://env.example',
      apiKey: 'k',
      urlSource: 'env',
    })
    expect(
      await resolveConnection(
        { url: 'http://flag.example' },
        env({ TOLLGATE_URL: 'http://env.example' }),
      ),
    ).toMatchObject({
      url: 'http://flag.example',
      urlSource: 'flag',
    })
    await expect(resolveConnection({}, env({ TOLLGATE_PROFILE: 'ghost' }))).rejects.toThrow(
      /Unknown profile "ghost"/,
    )
  })

  it('refuses to log in without a key when there is no terminal to ask on', async () => {
    t = testContext()
    expect(await run(['login', '--url', 'http://a.example'], t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(/--with-token/)
  })

  it('reports a corrupt config file as a usage error', async () => {
    t = testContext({ env: {} })
    mkdirSync(dirname(t.ctx.configPath), { recursive: true })
    writeFileSync(t.ctx.configPath, '{ not json')
    chmodSync(t.ctx.configPath, 0o600)
    expect(await run(['license', 'list'], t.ctx)).toBe(2)
    expect(t.stderr()).toMatch(/is not valid JSON/)
  })

  it('defaults the config path to TOLLGATE_CONFIG, else ~/.config/tollgate/config.json', () => {
    t = testContext()
    expect(defaultConfigPath({ TOLLGATE_CONFIG: '/x/y.json' })).toBe('/x/y.json')
    expect(defaultConfigPath({ XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/tollgate/config.json')
    expect(defaultConfigPath({})).toMatch(/\.config\/tollgate\/config\.json$/)
    expect(createContext({ env: { TOLLGATE_CONFIG: '/z.json' } }).configPath).toBe('/z.json')
  })
})
