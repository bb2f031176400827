import type { Html } from '../web/html.js'
import { Fragment, h } from '../web/jsx.js'
import { CsrfField } from '../web/layout.js'
import { LicenseKeyForm } from '../web/license-key-form.js'

/** The status actions, the scope each needs, and whether it is destructive (needs a reason). */
export const STATUS_ACTIONS = {
  suspend: { scope: 'licenses:status', label: 'Suspend', destructive: true },
  reinstate: { scope: 'licenses:status', label: 'Reinstate', destructive: false },
  revoke: { scope: 'licenses:revoke', label: 'Revoke', destructive: true },
} as const
export type StatusAction = keyof typeof STATUS_ACTIONS

/**
 * A suspend / reinstate / revoke form; destructive ones ask for confirmation and a reason.
 *
 * @example
 * ```tsx
 * <StatusForm csrf={request.web.csrfToken} licenseId={id} action="suspend" />
 * ```
 */
export function StatusForm(p: { csrf: string; licenseId: string; action: StatusAction }): Html {
  const a = STATUS_ACTIONS[p.action]
  return (
    <form
      method="post"
      action={`/console/licenses/${p.licenseId}/${p.action}`}
      class="card stack"
      data-confirm={a.destructive ? `${a.label} this license?` : undefined}
    >
      <CsrfField token={p.csrf} />
      <h3>{a.label}</h3>
      <label>
        Reason {a.destructive ? '(required, kept in the audit log)' : '(optional)'}
        <input type="text" name="reason" maxlength={500} required={a.destructive} />
      </label>
      <button type="submit" class={a.destructive ? 'danger' : undefined}>
        {a.label}
      </button>
    </form>
  )
}

/**
 * Renew to a new expiry date, or make perpetual.
 *
 * @example
 * ```tsx
 * <RenewForm csrf={csrf} licenseId={id} />
 * ```
 */
export function RenewForm(p: { csrf: string; licenseId: string }): Html {
  return (
    <form method="post" action={`/console/licenses/${p.licenseId}/renew`} class="card stack">
      <CsrfField token={p.csrf} />
      <h3>Renew</h3>
      <label>
        New expiry date
        <input type="date" name="expiresAt" id="renew-expires" />
      </label>
      <label class="check">
        <input type="checkbox" name="perpetual" value="yes" /> Perpetual (no expiry)
      </label>
      <button type="submit">Renew</button>
    </form>
  )
}

/**
 * The key actions: show (copy) or download the license file behind a confirmation, and
 * reissue (a fresh token signed with the current key). A key just revealed is shown once.
 *
 * @example
 * ```tsx
 * <KeyForms csrf={csrf} licenseId={id} token={revealed} reissue />
 * ```
 */
export function KeyForms(p: {
  csrf: string
  licenseId: string
  token?: string | undefined
  /** Whether the member may reissue (`licenses:write`). */
  reissue: boolean
}): Html {
  return (
    <>
      <section class="card stack" aria-labelledby="key-title">
        <h3 id="key-title">Key and license file</h3>
        <LicenseKeyForm
          action={`/console/licenses/${p.licenseId}/key`}
          csrf={p.csrf}
          token={p.token}
          tokenLabel="The license key (select and copy; taking it was recorded)"
          confirmText="I understand this key unlocks the software on any machine and that taking it is recorded."
        />
      </section>
      {p.reissue ? (
        <form
          method="post"
          action={`/console/licenses/${p.licenseId}/reissue`}
          class="card stack"
          data-confirm="Sign a fresh token for this license?"
        >
          <CsrfField token={p.csrf} />
          <h3>Reissue token</h3>
          <p class="muted">Signs the same license again with the current signing key.</p>
          <button type="submit" class="secondary">
            Reissue
          </button>
        </form>
      ) : null}
    </>
  )
}
