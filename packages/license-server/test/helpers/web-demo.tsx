import type { FastifyInstance } from 'fastify'
import { FormReader } from '../../src/web/form-reader.js'
import { h } from '../../src/web/jsx.js'
import { CsrfField, Layout } from '../../src/web/layout.js'
import { PageError } from '../../src/web/page-error.js'
import {
  endOtherSessions,
  endSession,
  requireActiveSession,
  startSession,
} from '../../src/web/sessions.js'
import { requireSignedIn, sendPage, setupWebScope } from '../../src/web/web-scope.js'

/**
 * A minimal feature on the web foundation, for the foundation's own tests: a sign-in form that
 * accepts any name, a private page, a form with validation, sign-out (other sessions).
 */
export async function registerWebDemo(app: FastifyInstance, tenantId: string): Promise<void> {
  await app.register(
    async (scope) => {
      await setupWebScope(scope, {
        realm: 'staff',
        app: 'Demo',
        homeHref: '/webdemo',
        loginHref: '/webdemo/login',
        formBodyLimit: 4096,
      })
      scope.get('/login', async (request, reply) =>
        sendPage(
          reply,
          <Layout title="Sign in" app="Demo" homeHref="/webdemo" csrfToken={request.web.csrfToken}>
            <form method="post" action="/webdemo/login">
              <CsrfField token={request.web.csrfToken} />
              <label>
                Name <input name="name" />
              </label>
              <button type="submit">Sign in</button>
            </form>
          </Layout>,
        ),
      )
      scope.post('/login', async (request, reply) => {
        const f = new FormReader(request.body)
        const name = f.text('name', { label: 'Name', max: 50 })
        f.done()
        if (name === 'nobody') throw new PageError('FORBIDDEN')
        await startSession(request, reply, { stage: 'active', tenantId, subjectId: name })
        return reply.redirect('/webdemo', 303)
      })
      await scope.register(async (inner) => {
        inner.addHook('preHandler', requireSignedIn('/webdemo/login'))
        inner.get('/', async (request, reply) => {
          const s = requireActiveSession(request)
          return sendPage(
            reply,
            <Layout title="Home" app="Demo" homeHref="/webdemo" csrfToken={request.web.csrfToken}>
              <p id="who">{s.subjectId}</p>
            </Layout>,
          )
        })
        inner.post('/echo', async (request, reply) => {
          const f = new FormReader(request.body)
          const note = f.text('note', { label: 'Note', max: 20 })
          const count = f.int('count', { label: 'Count', min: 1, max: 10 })
          f.done()
          return sendPage(
            reply,
            <Layout title="Echo" app="Demo" homeHref="/webdemo" csrfToken={request.web.csrfToken}>
              <p id="note">{note}</p>
              <p id="count">{count}</p>
            </Layout>,
          )
        })
        inner.post('/logout-others', async (request) => ({
          ended: await endOtherSessions(request),
        }))
        inner.post('/logout', async (request, reply) => {
          await endSession(request, reply)
          return reply.redirect('/webdemo/login', 303)
        })
      })
    },
    { prefix: '/webdemo' },
  )
}
