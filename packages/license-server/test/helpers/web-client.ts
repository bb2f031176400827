import type { LightMyRequestResponse } from 'fastify'
import { expect } from 'vitest'
import type { TestApp } from './test-app.js'

/** The Origin app.inject requests come from (Host: localhost:80). */
export const ORIGIN = 'http://localhost'

/** A cookie jar over app.inject (the real cookie names, `__Host-` included). */
export class Browser {
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
  /** Signs in to the web demo (test/helpers/web-demo.tsx). */
  async signIn(name: string): Promise<void> {
    const page = await this.get('/webdemo/login')
    const res = await this.post('/webdemo/login', { name, _csrf: this.csrf(page.body) })
    expect(res.statusCode, res.body).toBe(303)
  }
}
