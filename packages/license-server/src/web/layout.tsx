import { assetUrl } from './assets.js'
import type { Child, Html } from './html.js'
import { Fragment, h } from './jsx.js'

/** Props of {@link Layout}. */
export interface LayoutProps {
  /** The page title (the document title is `<title> · <app>`). */
  title: string
  /** The surface's name: "Tollgate console", or the vendor's product name in the portal. */
  app: string
  /** Link of the app name in the header. */
  homeHref: string
  /** The CSRF token, exposed to scripts in a meta tag. */
  csrfToken: string
  /** Navigation links (the feature renders them). */
  nav?: Html
  /** Right side of the header: who is signed in, sign-out form. */
  account?: Html
  /** Extra scripts (asset names), e.g. `webauthn.js`. */
  scripts?: string[]
  children?: Child
}

/**
 * The page shell shared by the console and the portal: head with CSS and deferred scripts (no
 * inline script), a skip link, header, navigation and main.
 *
 * @example
 * ```tsx
 * <Layout title="Licenses" app="Tollgate console" homeHref="/console" csrfToken={request.web.csrfToken}>
 *   <h1>Licenses</h1>
 * </Layout>
 * ```
 */
export function Layout(props: LayoutProps): Html {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="csrf-token" content={props.csrfToken} />
        <title>{`${props.title} · ${props.app}`}</title>
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl('web.css')} />
        <script src={assetUrl('web.js')} defer />
        {(props.scripts ?? []).map((s) => (
          <script src={assetUrl(s)} defer />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href={props.homeHref}>
            {props.app}
          </a>
          {props.nav ? (
            <nav aria-label="Main" class="nav">
              {props.nav}
            </nav>
          ) : null}
          {props.account ? <div class="account">{props.account}</div> : null}
        </header>
        <main id="main" tabindex={-1}>
          {props.children}
        </main>
      </body>
    </html>
  )
}

/**
 * The hidden CSRF field every form carries.
 *
 * @example
 * ```tsx
 * <form method="post" action="/console/logout"><CsrfField token={request.web.csrfToken} />...</form>
 * ```
 */
export function CsrfField(props: { token: string }): Html {
  return <input type="hidden" name="_csrf" value={props.token} />
}

/**
 * A list of form problems at the top of a form (announced to screen readers).
 *
 * @example
 * ```tsx
 * <FormErrors fields={error.fields} />
 * ```
 */
export function FormErrors(props: {
  message?: string
  fields?: Readonly<Record<string, string>>
}): Html {
  const messages = Object.values(props.fields ?? {})
  if (!props.message && messages.length === 0) return <></>
  return (
    <div class="alert error" role="alert">
      {props.message ? <p>{props.message}</p> : null}
      {messages.length > 0 ? (
        <ul>
          {messages.map((m) => (
            <li>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
