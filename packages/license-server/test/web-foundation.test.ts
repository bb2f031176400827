import { createHash } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countAttempt } from '../src/web/attempt-limiter.js'
import { Html, trustedHtml } from '../src/web/html.js'
import { h, renderDocument } from '../src/web/jsx.js'
import { PageError } from '../src/web/page-error.js'
import { safeNext } from '../src/web/web-scope.js'
import { createTestApp, type TestApp } from './helpers/test-app.js'
import { registerWebDemo } from './helpers/web-demo.js'

const ORIGIN = 'http://localhost'

/** A cookie jar over app.inject (the real cookie names, `__Host-` included). */
class Browser {
  jar = new Map<string, string>()
  constructor(private t: TestApp) {}
  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const raw = res.headers['set-cookie']
    for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair] = c.split(';')
      const [k, v] = pair!.split('=') as [string, string]
      if (/Max-Age=0/.test(c)) this.jar.delete(k)
      else this.jar.set(k, v)
    }
    return res
  }
  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.t.app.inject({ method: 'GET', url, headers: { cookie: this.cookie } }),
    )
  }
  async post(
    url: string,
    form: Record<string, string>,
    headers: Record<string, string> = { origin: ORIGIN },
  ): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.t.app.inject({
        method: 'POST',
        url,
        headers: {
          cookie: this.cookie,
          'content-type': 'application/x-www-form-urlencoded',
          ...headers,
        },
        payload: new URLSearchParams(form).toString(),
      }),
    )
  }
  csrf(html: string): string {
    const m =
      /name="_csrf" value="([^"]+)"/.exec(html) ?? /name="csrf-token" content="([^"]+)"/.exec(html)
    if (!m) throw new Error('no csrf token on the page')
    return m[1]!
  }
  async signIn(name: string): Promise<void> {
    const page = await this.get('/webdemo/login')
    const res = await this.post('/webdemo/login', { name, _csrf: this.csrf(page.body) })
    expect(res.statusCode, res.body).toBe(303)
  }
}

describe('templates', () => {
  it('escapes text and attribute values by default', () => {
    const evil = `<script>alert("x")</script>&'`
    const out = h('p', { title: evil, 'data-x': evil }, evil)
    expect(out.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;" data-x="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>',
    )
  })
  it('keeps nested markup, drops null/false, renders void elements and booleans', () => {
    const out = h(
      'div',
      null,
      h('input', { name: 'a', required: true, disabled: false }),
      null,
      false,
      [1, 'b'],
    )
    expect(out.value).toBe('<div><input name="a" required>1b</div>')
    expect(renderDocument(h('html', null)).startsWith('<!doctype html><html>')).toBe(true)
  })
  it('refuses javascript: and data: URLs in href/src/action', () => {
    expect(h('a', { href: 'javascript:alert(1)' }).value).toBe('<a href="#"></a>')
    expect(h('a', { href: ' JaVaScRiPt:alert(1)' }).value).toBe('<a href="#"></a>')
    expect(h('form', { action: 'data:text/html,x' }).value).toBe('<form action="#"></form>')
    expect(h('a', { href: '/console/licenses?q=a&b=1' }).value).toBe(
      '<a href="/console/licenses?q=a&amp;b=1"></a>',
    )
    expect(h('a', { href: 'https://example.com/x' }).value).toBe(
      '<a href="https://example.com/x"></a>',
    )
  })
  it('refuses attribute and tag names that could break out of the tag', () => {
    expect(() => h('p', { 'x onmouseover': '1' })).toThrow(TypeError)
    expect(() => h('p><script', null)).toThrow(TypeError)
  })
  it('only trustedHtml makes raw markup', () => {
    expect(h('p', null, trustedHtml('&nbsp;')).value).toBe('<p>&nbsp;</p>')
    expect(new Html('<b>').toString()).toBe('<b>')
  })
  it('safeNext keeps redirects inside the surface', () => {
    expect(safeNext('/console/licenses?q=1', '/console')).toBe('/console/licenses?q=1')
    expect(safeNext('//evil.test/console', '/console')).toBe('/console')
    expect(safeNext('/console//evil.test', '/console')).toBe('/console')
    expect(safeNext('/consolex', '/console')).toBe('/console')
    expect(safeNext('https://evil.test', '/console')).toBe('/console')
    expect(safeNext(['/console/a'], '/console')).toBe('/console')
  })
})

describe('web scope: sessions, CSRF, Origin, headers, forms', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
    await registerWebDemo(t.app, t.tenantId)
  })
  afterAll(() => t.close())

  it('serves pages with the strict CSP (no inline script), no-store and frame denial', async () => {
    const res = await new Browser(t).get('/webdemo/login')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers['cache-control']).toBe('no-store')
    expect(res.headers['x-frame-options']).toBe('DENY')
    expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/)
    expect(res.body).toMatch(/<script src="\/assets\/web\.js\?v=[0-9a-f]{12}" defer><\/script>/)
  })

  it('serves hashed assets with long caching, and nothing outside the asset set', async () => {
    const page = await new Browser(t).get('/webdemo/login')
    const href = /href="(\/assets\/web\.css\?v=[0-9a-f]+)"/.exec(page.body)![1]!
    const css = await t.app.inject({ method: 'GET', url: href })
    expect(css.statusCode).toBe(200)
    expect(css.headers['content-type']).toMatch(/^text\/css/)
    expect(css.headers['cache-control']).toContain('immutable')
    for (const bad of ['/assets/..%2Fjsx.ts', '/assets/web.ts', '/assets/%2e%2e']) {
      expect((await t.app.inject({ method: 'GET', url: bad })).statusCode).toBe(404)
    }
  })

  it('redirects a signed-out browser from an inner page to sign-in, with next', async () => {
    const res = await new Browser(t).get('/webdemo/')
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/webdemo/login?next=%2Fwebdemo%2F')
  })

  it('signs in with a __Host- cookie (HttpOnly, SameSite=Lax, Secure) whose id is stored only hashed', async () => {
    const b = new Browser(t)
    const page = await b.get('/webdemo/login')
    const res = await b.post('/webdemo/login', { name: 'alice', _csrf: b.csrf(page.body) })
    const cookies = [res.headers['set-cookie']].flat().map(String)
    const session = cookies.find((c) => c.startsWith('__Host-tg_console='))!
    expect(session).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/)
    const raw = b.jar.get('__Host-tg_console')!
    const rows = await t.db.selectFrom('web_sessions').selectAll().execute()
    expect(rows.some((r) => r.id_hash === raw)).toBe(false)
    expect(rows.some((r) => r.id_hash === createHash('sha256').update(raw).digest('hex'))).toBe(
      true,
    )
    const home = await b.get('/webdemo/')
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('<p id="who">alice</p>')
  })

  it('drops the Secure attribute and the __Host- prefix on plain HTTP off loopback', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/webdemo/login',
      headers: { host: 'licenses.example.com' },
    })
    const pre = String([res.headers['set-cookie']].flat()[0])
    expect(pre).toMatch(
      /^tg_pre=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=86400; HttpOnly; SameSite=Lax$/,
    )
  })

  it('answers 403 when the CSRF token is missing or wrong, before doing anything', async () => {
    const b = new Browser(t)
    await b.get('/webdemo/login')
    const missing = await b.post('/webdemo/login', { name: 'mallory' })
    expect(missing.statusCode).toBe(403)
    expect(missing.body).toContain('CSRF token missing')
    const wrong = await b.post('/webdemo/login', { name: 'mallory', _csrf: 'x'.repeat(43) })
    expect(wrong.statusCode).toBe(403)
    expect(b.jar.has('__Host-tg_console')).toBe(false)
    // A token from another browser does not work either (bound to the cookie).
    const other = new Browser(t)
    const otherToken = other.csrf((await other.get('/webdemo/login')).body)
    expect((await b.post('/webdemo/login', { name: 'm', _csrf: otherToken })).statusCode).toBe(403)
  })

  it('answers 403 to a post from another origin, or with no Origin and no Sec-Fetch-Site', async () => {
    const b = new Browser(t)
    const token = b.csrf((await b.get('/webdemo/login')).body)
    const cross = await b.post(
      '/webdemo/login',
      { name: 'x', _csrf: token },
      { origin: 'http://evil.test' },
    )
    expect(cross.statusCode).toBe(403)
    expect(cross.body).toContain('did not come from this site')
    expect((await b.post('/webdemo/login', { name: 'x', _csrf: token }, {})).statusCode).toBe(403)
    const sameSite = await b.post(
      '/webdemo/login',
      { name: 'x', _csrf: token },
      { 'sec-fetch-site': 'same-origin' },
    )
    expect(sameSite.statusCode).toBe(303)
  })

  it('answers JSON errors to fetch() callers that accept JSON', async () => {
    const b = new Browser(t)
    await b.get('/webdemo/login')
    const res = await b.post(
      '/webdemo/login',
      { name: 'x' },
      { origin: ORIGIN, accept: 'application/json' },
    )
    expect(res.statusCode).toBe(403)
    expect(res.json()).toMatchObject({ code: 'CSRF_FAILED', status: 403 })
  })

  it('renders bad form input as a page with a message per field (NUL bytes, bidi tricks, range)', async () => {
    const b = new Browser(t)
    await b.signIn('bob')
    const token = b.csrf((await b.get('/webdemo/')).body)
    const bad = await b.post('/webdemo/echo', { note: 'a\u0000b', count: '11', _csrf: token })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Note contains characters that are not allowed')
    expect(bad.body).toContain('Count must be a whole number from 1 to 10')
    const bidi = await b.post('/webdemo/echo', { note: 'abc\u202e', count: '1', _csrf: token })
    expect(bidi.statusCode).toBe(400)
    const long = await b.post('/webdemo/echo', { note: 'x'.repeat(21), count: '1', _csrf: token })
    expect(long.body).toContain('Note must be at most 20 characters')
    const ok = await b.post('/webdemo/echo', { note: '<b>hi</b>', count: '3', _csrf: token })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toContain('<p id="note">&lt;b&gt;hi&lt;/b&gt;</p>')
    // Repeated field: an error, not an array leaking into a string.
    const twice = await t.app.inject({
      method: 'POST',
      url: '/webdemo/echo',
      headers: {
        cookie: b.cookie,
        origin: ORIGIN,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: `note=a&note=b&count=1&_csrf=${token}`,
    })
    expect(twice.statusCode).toBe(400)
    expect(twice.body).toContain('was sent more than once')
  })

  it('refuses an oversized form with 413 and an unknown encoding with 415 (pages, not 500s)', async () => {
    const b = new Browser(t)
    await b.signIn('carol')
    const token = b.csrf((await b.get('/webdemo/')).body)
    const big = await b.post('/webdemo/echo', {
      note: 'x'.repeat(10_000),
      count: '1',
      _csrf: token,
    })
    expect(big.statusCode).toBe(413)
    expect(big.headers['content-type']).toMatch(/^text\/html/)
    const xml = await t.app.inject({
      method: 'POST',
      url: '/webdemo/echo',
      headers: { cookie: b.cookie, origin: ORIGIN, 'content-type': 'application/xml' },
      payload: '<x/>',
    })
    expect(xml.statusCode).toBe(415)
  })

  it('renders a PageError from a handler with its status', async () => {
    const b = new Browser(t)
    const token = b.csrf((await b.get('/webdemo/login')).body)
    const res = await b.post('/webdemo/login', { name: 'nobody', _csrf: token })
    expect(res.statusCode).toBe(403)
    expect(res.body).toContain(new PageError('FORBIDDEN').message)
  })

  it('a 404 inside the scope is an HTML page', async () => {
    const res = await new Browser(t).get('/webdemo/nope')
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
  })

  it('expires a session after the idle timeout, and after the absolute lifetime even when used', async () => {
    const { sessionIdleMs, sessionMaxMs } = t.app.tollgate.config.web
    const idle = new Browser(t)
    await idle.signIn('dave')
    t.clock.advance(sessionIdleMs - 5_000)
    expect((await idle.get('/webdemo/')).statusCode).toBe(200) // used: idle expiry moves
    t.clock.advance(sessionIdleMs - 5_000)
    expect((await idle.get('/webdemo/')).statusCode).toBe(200)
    t.clock.advance(sessionIdleMs + 1_000)
    expect((await idle.get('/webdemo/')).statusCode).toBe(303)

    const busy = new Browser(t)
    await busy.signIn('erin')
    const step = Math.floor(sessionIdleMs / 2)
    let elapsed = 0
    while (elapsed + step < sessionMaxMs) {
      t.clock.advance(step)
      elapsed += step
      expect((await busy.get('/webdemo/')).statusCode).toBe(200)
    }
    t.clock.advance(sessionMaxMs - elapsed + 1)
    expect((await busy.get('/webdemo/')).statusCode).toBe(303)
  })

  it('rotates the session id at sign-in and ends other sessions on request', async () => {
    const a = new Browser(t)
    await a.signIn('frank')
    const first = a.jar.get('__Host-tg_console')
    await a.signIn('frank')
    expect(a.jar.get('__Host-tg_console')).not.toBe(first)
    const b = new Browser(t)
    await b.signIn('frank')
    const token = a.csrf((await a.get('/webdemo/')).body)
    const res = await a.post('/webdemo/logout-others', { _csrf: token })
    expect(res.json()).toEqual({ ended: 1 })
    expect((await b.get('/webdemo/')).statusCode).toBe(303)
    expect((await a.get('/webdemo/')).statusCode).toBe(200)
    const out = await a.post('/webdemo/logout', { _csrf: token })
    expect(out.statusCode).toBe(303)
    expect((await a.get('/webdemo/')).statusCode).toBe(303)
  })

  it('a post without a session answers 401 after the CSRF check passes', async () => {
    const b = new Browser(t)
    const token = b.csrf((await b.get('/webdemo/login')).body)
    const res = await b.post('/webdemo/echo', { note: 'x', count: '1', _csrf: token })
    expect(res.statusCode).toBe(401)
    expect(res.body).toContain('href="/webdemo/login"')
  })

  it('counts attempts per key in the database and limits them per window', async () => {
    const now = t.clock.now()
    const limit = { max: 3, windowMs: 60_000 }
    for (let i = 0; i < 3; i++) await countAttempt(t.db, 'demo:ip:1', limit, now)
    await expect(countAttempt(t.db, 'demo:ip:1', limit, now)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterS: 60,
    })
    await countAttempt(t.db, 'demo:ip:2', limit, now) // other keys unaffected
    await countAttempt(t.db, 'demo:ip:1', limit, new Date(now.getTime() + 60_001)) // new window
  })
})
