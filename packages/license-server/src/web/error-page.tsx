import type { Html } from './html.js'
import { h } from './jsx.js'
import { Layout } from './layout.js'

/** What an error page shows. */
export interface ErrorPageProps {
  status: number
  message: string
  fields?: Readonly<Record<string, string>>
  app: string
  homeHref: string
  csrfToken: string
  /** Where a "sign in" link points when the session is missing. */
  loginHref?: string
}

/**
 * The default error page of a web scope: the message, field problems, and a way back.
 *
 * @example
 * ```tsx
 * renderDocument(<ErrorPage status={403} message="Your role does not allow this" ... />)
 * ```
 */
export function ErrorPage(p: ErrorPageProps): Html {
  const fields = Object.entries(p.fields ?? {})
  return (
    <Layout title={`Error ${p.status}`} app={p.app} homeHref={p.homeHref} csrfToken={p.csrfToken}>
      <section class="card error-page" aria-labelledby="error-title">
        <h1 id="error-title">{p.status === 404 ? 'Not found' : 'Something is not right'}</h1>
        <p class="alert error" role="alert" data-status={p.status}>
          {p.message}
        </p>
        {fields.length > 0 ? (
          <ul class="field-errors">
            {fields.map(([, m]) => (
              <li>{m}</li>
            ))}
          </ul>
        ) : null}
        <p>
          {p.loginHref ? <a href={p.loginHref}>Sign in</a> : <a href={p.homeHref}>Back to start</a>}
        </p>
      </section>
    </Layout>
  )
}
