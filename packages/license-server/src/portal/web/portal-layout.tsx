import type { Child, Html } from '../../web/html.js'
import { h } from '../../web/jsx.js'
import { CsrfField, Layout } from '../../web/layout.js'
import type { PortalPrincipal } from '../portal-actor.js'
import type { Branding } from '../set-branding.js'

/** What every signed-in portal page shows around its content. */
export interface PortalChrome {
  branding: Branding
  /** Fallback name when the vendor set no product name (the tenant's name). */
  vendorName: string
  csrfToken: string
  principal?: PortalPrincipal
  customerName?: string
}

/** The name the portal goes by. */
export function portalName(c: Pick<PortalChrome, 'branding' | 'vendorName'>): string {
  return c.branding.productName ?? c.vendorName
}

/**
 * The portal page shell: the vendor's product name and logo, navigation, who is signed in (or
 * a banner that staff are looking through a support link), the vendor's support email.
 *
 * @example
 * ```tsx
 * <PortalLayout title="Licenses" chrome={chrome}><h1>Licenses</h1></PortalLayout>
 * ```
 */
export function PortalLayout(props: {
  title: string
  chrome: PortalChrome
  children?: Child
}): Html {
  const c = props.chrome
  const p = c.principal
  const nav = p ? (
    <ul>
      <li>
        <a href="/portal">Licenses</a>
      </li>
      <li>
        <a href="/portal/offline">Offline files</a>
      </li>
      <li>
        <a href="/portal/team">Team</a>
      </li>
    </ul>
  ) : undefined
  const account = p ? (
    <form method="post" action="/portal/logout" class="inline">
      <CsrfField token={c.csrfToken} />
      <span class="who">{p.kind === 'user' ? p.email : 'Support view'}</span>{' '}
      <button type="submit" class="link">
        Sign out
      </button>
    </form>
  ) : undefined
  return (
    <Layout
      title={props.title}
      app={portalName(c)}
      homeHref="/portal"
      csrfToken={c.csrfToken}
      nav={nav}
      account={account}
    >
      {c.branding.logoUrl ? (
        <img
          class="brand-logo"
          src={c.branding.logoUrl}
          alt={`${portalName(c)} logo`}
          height={40}
        />
      ) : null}
      {p?.kind === 'support' ? (
        <p class="alert warn" role="status" data-testid="support-banner">
          Support view of {c.customerName ?? 'this customer'}: read-only, and the customer sees that
          support looked.
        </p>
      ) : null}
      {props.children}
      <footer class="portal-footer">
        {c.branding.supportEmail ? (
          <p>
            Need help? <a href={`mailto:${c.branding.supportEmail}`}>{c.branding.supportEmail}</a>
          </p>
        ) : null}
      </footer>
    </Layout>
  )
}
