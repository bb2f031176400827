import type { Html } from '../../web/html.js'
import { h } from '../../web/jsx.js'
import type { CustomerLicense } from '../customer-licenses.js'

const STATE_TEXT: Record<CustomerLicense['state'], string> = {
  active: 'Active',
  grace: 'In grace period',
  expired: 'Expired',
  suspended: 'Suspended',
  revoked: 'Revoked',
}

/**
 * A license's state as a badge, in the customer's words ("In grace period").
 *
 * @example
 * ```tsx
 * <LicenseState l={license} />
 * ```
 */
export function LicenseState(p: { l: CustomerLicense }): Html {
  return (
    <span class={`badge ${p.l.state === 'grace' ? 'past_due' : p.l.state}`}>
      {STATE_TEXT[p.l.state]}
    </span>
  )
}
