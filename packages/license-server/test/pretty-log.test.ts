import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prettyLogLine, usePrettyLog } from '../src/system/pretty-log.js'
import { listSurfaces, surfacesBanner } from '../src/system/surfaces.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'

describe('log format', () => {
  it('is pretty on a terminal, JSON elsewhere, unless asked', () => {
    expect(usePrettyLog('auto', true)).toBe(true)
    expect(usePrettyLog('auto', false)).toBe(false)
    expect(usePrettyLog('auto', undefined)).toBe(false)
    expect(usePrettyLog('json', true)).toBe(false)
    expect(usePrettyLog('pretty', false)).toBe(true)
  })

  it('turns a pino line into one readable line', () => {
    const line = JSON.stringify({
      level: 30,
      time: Date.UTC(2026, 0, 2, 3, 4, 5),
      pid: 1,
      hostname: 'h',
      reqId: 'req_1',
      req: { method: 'GET', url: '/health' },
      res: { statusCode: 200 },
      responseTime: 3.14159,
      msg: 'request completed',
    })
    expect(prettyLogLine(line, false)).toBe(
      '03:04:05 INFO  request completed  GET /health  200  reqId=req_1  3.1ms',
    )
  })

  it('shows warnings, quoted values and error stacks; passes non-JSON through', () => {
    const warn = prettyLogLine(
      JSON.stringify({ level: 40, time: 0, msg: 'slow', path: '/a b', n: 2 }),
      false,
    )
    expect(warn).toBe('00:00:00 WARN  slow  path="/a b"  n=2')
    const err = prettyLogLine(
      JSON.stringify({
        level: 50,
        time: 0,
        msg: 'boom',
        err: { message: 'x', stack: 'E: x\n  at f' },
      }),
      false,
    )
    expect(err).toBe('00:00:00 ERROR boom\n    E: x\n      at f')
    expect(prettyLogLine('plain text\n', false)).toBe('plain text')
    expect(prettyLogLine(JSON.stringify({ level: 40, time: 0, msg: 'w' }), true)).toContain(
      '\x1b[33mWARN',
    )
  })
})

describe('start-up surfaces', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('lists what this server registered, never a page it does not serve', () => {
    const surfaces = listSurfaces(t.app, 'http://127.0.0.1:3000/')
    const byName = Object.fromEntries(surfaces.map((s) => [s.name, s.url]))
    expect(byName.API).toBe('http://127.0.0.1:3000/v1')
    expect(byName.Metrics).toBe('http://127.0.0.1:3000/metrics')
    expect(byName.Health).toBe('http://127.0.0.1:3000/health')
    expect(byName.Docs).toMatch(/^http:\/\/127\.0\.0\.1:3000\/docs/)
    for (const s of surfaces) {
      expect(
        t.app.hasRoute({ method: 'GET', url: new URL(s.url).pathname }) || s.name === 'API',
      ).toBe(true)
    }
    const banner = surfacesBanner(surfaces, 'PGlite in /x')
    expect(banner).toContain('  Metrics  http://127.0.0.1:3000/metrics')
    expect(banner).toContain('  Database PGlite in /x')
  })
})
