import type { FastifyInstance } from 'fastify'

/** A place on the server an operator opens first: name, URL and what it is. */
export interface Surface {
  name: string
  url: string
  what: string
}

// Listed only when registered, so the start-up screen never points at a page this build
// does not serve (the console and the portal arrive as features land).
const CANDIDATES: { name: string; paths: string[]; what: string }[] = [
  {
    name: 'API',
    paths: ['/v1/admin/licenses'],
    what: 'admin API under /v1/admin, license API under /v1',
  },
  { name: 'Docs', paths: ['/docs', '/docs/json'], what: 'API reference (OpenAPI)' },
  { name: 'Health', paths: ['/health'], what: 'liveness + database check' },
  { name: 'Metrics', paths: ['/metrics'], what: 'Prometheus' },
  { name: 'Console', paths: ['/console', '/console/'], what: 'staff console' },
  { name: 'Portal', paths: ['/portal', '/portal/'], what: 'customer portal' },
]

/**
 * The surfaces this server registered, with absolute URLs under `baseUrl` (the API is shown at
 * `/v1`).
 *
 * @example
 * ```ts
 * const address = await app.listen({ port: 3000 })
 * for (const s of listSurfaces(app, address)) console.log(s.name, s.url)
 * ```
 */
export function listSurfaces(app: FastifyInstance, baseUrl: string): Surface[] {
  const base = baseUrl.replace(/\/$/, '')
  const out: Surface[] = []
  for (const c of CANDIDATES) {
    const path = c.paths.find((url) => app.hasRoute({ method: 'GET', url }))
    if (path === undefined) continue
    out.push({ name: c.name, url: `${base}${c.name === 'API' ? '/v1' : path}`, what: c.what })
  }
  return out
}

/**
 * The start-up screen: where everything is, aligned for a terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(surfacesBanner(listSurfaces(app, address), 'PGlite in /srv/.tollgate'))
 * ```
 */
export function surfacesBanner(surfaces: Surface[], database: string): string {
  const width = Math.max(...surfaces.map((s) => s.url.length))
  const rows = surfaces.map((s) => `  ${s.name.padEnd(8)} ${s.url.padEnd(width)}  ${s.what}`)
  return ['', ' Tollgate license server is ready', '', ...rows, `  Database ${database}`, ''].join(
    '\n',
  )
}
