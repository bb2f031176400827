import type { Html } from './html.js'
import { Fragment, h } from './jsx.js'
import { CsrfField } from './layout.js'

/** Props of {@link LicenseKeyForm}. */
export interface LicenseKeyFormProps {
  /** Where the form posts (`confirm=yes`, `as=show|file`). */
  action: string
  csrf: string
  /** The key just revealed, shown once above the form. */
  token?: string | undefined
  /** The label of the revealed key. */
  tokenLabel: string
  /** What the person confirms before taking the key. */
  confirmText: string
}

/**
 * The license key behind a confirmation: "Show key" or "Download license file", and the key
 * just revealed (read-only, for copying). The rule (who may take it, the audit) is the
 * `revealLicenseKey` service's; console and portal share this form.
 *
 * @example
 * ```tsx
 * <LicenseKeyForm action={`/portal/licenses/${id}/key`} csrf={csrf} token={token}
 *   tokenLabel="Your license key" confirmText="I understand that taking it is recorded." />
 * ```
 */
export function LicenseKeyForm(p: LicenseKeyFormProps): Html {
  return (
    <>
      {p.token ? (
        <>
          <label for="token">{p.tokenLabel}</label>
          <textarea id="token" class="secret mono" readonly rows={4} data-testid="license-key">
            {p.token}
          </textarea>
        </>
      ) : null}
      <form method="post" action={p.action} class="stack">
        <CsrfField token={p.csrf} />
        <label class="check">
          <input type="checkbox" name="confirm" value="yes" required /> {p.confirmText}
        </label>
        <div class="actions">
          <button type="submit" name="as" value="show" class="secondary">
            Show key
          </button>
          <button type="submit" name="as" value="file">
            Download license file
          </button>
        </div>
      </form>
    </>
  )
}
