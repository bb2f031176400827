import type { FastifyPluginCallback } from 'fastify'

interface Operation {
  summary?: string
  description?: string
  tags?: string[]
}
type OpenApi = { paths?: Record<string, Record<string, Operation>> }

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * The API reference as one plain HTML page at `GET /docs` (every operation of the OpenAPI
 * document, grouped by tag, linking the machine-readable `/docs/json`). Built from the same
 * route schemas, so it cannot drift; no script and no styles, so the server's strict CSP stands.
 *
 * @example
 * ```ts
 * const html = renderDocsPage(app.swagger(), 'Tollgate license server 0.1.0')
 * ```
 */
export function renderDocsPage(doc: OpenApi, title: string): string {
  const groups = new Map<string, string[]>()
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = item[method]
      if (!op) continue
      const tag = op.tags?.[0] ?? 'other'
      const what = op.summary ?? op.description ?? ''
      const row = `<li><code>${method.toUpperCase()} ${escapeHtml(path)}</code>${what ? ` — ${escapeHtml(what)}` : ''}</li>`
      groups.set(tag, [...(groups.get(tag) ?? []), row])
    }
  }
  const sections = [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, rows]) => `<h2>${escapeHtml(tag)}</h2>\n<ul>\n${rows.join('\n')}\n</ul>`)
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    '<p>OpenAPI 3.1 document: <a href="/docs/json">/docs/json</a>. Errors: <code>{error, code, status}</code>.</p>',
    ...sections,
    '</body></html>',
  ].join('\n')
}

/**
 * `GET /docs`: {@link renderDocsPage} of this server's OpenAPI document.
 *
 * @example
 * ```ts
 * await app.register(docsPageRoutes) // after @fastify/swagger and the documented routes
 * ```
 */
export const docsPageRoutes: FastifyPluginCallback = (app, _opts, done) => {
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => {
    const doc = app.swagger() as OpenApi & { info?: { title?: string; version?: string } }
    const title = `${doc.info?.title ?? 'API'} ${doc.info?.version ?? ''}`.trim()
    return reply.type('text/html; charset=utf-8').send(renderDocsPage(doc, title))
  })
  done()
}
