import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { TestApp } from './helpers/test-app.js'
import type { Accepted } from './helpers/fake-smtp.js'

/** The Origin app.inject requests come from (`Host: localhost`). */
export const ORIGIN = 'http://localhost'

/** A cookie jar over app.inject for portal pages, with the CSRF token of the last page. */
export class PortalBrowser {
  readonly jar = new Map<string, string>()
  token = ''
  constructor(
    private readonly t: TestApp,
    private readonly mail?: Accepted[],
  ) {}

  get cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private keep(res: LightMyRequestResponse): LightMyRequestResponse {
    const raw = res.headers['set-cookie']
    for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair] = c.split(';')
      const at = pair!.indexOf('=')
      const [k, v] = [pair!.slice(0, at), pair!.slice(at + 1)]
      if (/Max-Age=0/i.test(c)) this.jar.delete(k)
      else this.jar.set(k, v)
    }
    const m = /name="csrf-token" content="([^"]+)"/.exec(res.body)
    if (m) this.token = m[1]!
    return res
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.keep(
      await this.t.app.inject({ method: 'GET', url, headers: { cookie: this.cookie } }),
    )
  }

  /** POSTs a form with the current CSRF token (unless `_csrf` is given) from our origin. */
  async post(
    url: string,
    form: Record<string, string> = {},
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
        payload: new URLSearchParams({ _csrf: this.token, ...form }).toString(),
      }),
    )
  }

  /**
   * Signs in with the code mailed to the SMTP catcher and loads the overview. The fake clock
   * moves past the per-email request window first, so tests can sign in as often as they like.
   */
  async signIn(email: string, form: Record<string, string> = {}): Promise<void> {
    this.t.clock.advance(15 * 60_000 + 1000)
    await this.get(`/portal/login${form.tenant ? `?tenant=${form.tenant}` : ''}`)
    const sent = this.mail?.length ?? 0
    const asked = await this.post('/portal/login', { email, ...form })
    expect(asked.statusCode, asked.body).toBe(200)
    const code = await mailedCode(this.mail ?? [], email, sent)
    const res = await this.post('/portal/login/code', { email, code, ...form })
    expect(res.statusCode, res.body).toBe(303)
    expect(res.headers.location).toBe('/portal')
    const home = await this.get('/portal')
    expect(home.statusCode, home.body).toBe(200)
  }
}

/**
 * Waits for the next sign-in code mailed to `to` after the first `after` messages.
 *
 * @example
 * ```ts
 * const code = await mailedCode(smtp.accepted, 'buyer@acme.test', 0)
 * ```
 */
export async function mailedCode(mail: Accepted[], to: string, after: number): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const m = mail.slice(after).find((x) => x.to.includes(to) && /sign-in code/.test(x.data))
    const code = m && /^\s+([0-9]{6})\s*$/m.exec(m.data)?.[1]
    if (code) return code
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`no sign-in code mailed to ${to}`)
}
