/** What the buyer is told. */
export interface LicenseMessageInput {
  customerName: string
  product: string
  tier: string
  licenseId: string
  token: string
  expiresAt: Date | null
  /** Why: first delivery, renewal, plan change. */
  reason: 'issued' | 'renewed' | 'updated'
}

const HEADLINES: Record<LicenseMessageInput['reason'], string> = {
  issued: 'Thank you for your purchase. Here is your license key.',
  renewed: 'Your subscription renewed. Here is your updated license key.',
  updated: 'Your plan changed. Here is your updated license key.',
}

/**
 * The plain-text message carrying a license key and how to install it.
 *
 * @example
 * ```ts
 * const { subject, body } = renderLicenseMessage({ customerName: 'Acme', product: 'app', tier: 'pro', licenseId, token, expiresAt, reason: 'issued' })
 * ```
 */
export function renderLicenseMessage(m: LicenseMessageInput): { subject: string; body: string } {
  const until = m.expiresAt ? `valid until ${m.expiresAt.toISOString()}` : 'perpetual'
  const subject = `Your ${m.product} license key (${m.tier})`
  const body = [
    `Hello ${m.customerName},`,
    '',
    HEADLINES[m.reason],
    '',
    `Product: ${m.product}   Plan: ${m.tier}   License: ${m.licenseId} (${until})`,
    '',
    'License key:',
    '',
    m.token,
    '',
    'How to install it (any one of):',
    '  1. Set the environment variable TOLLGATE_LICENSE_KEY to the key above and restart the app.',
    '  2. Save the key alone in a file (e.g. /etc/<app>/license.key) and point the app',
    '     at it with its license-file setting (tokenFile).',
    '  3. Paste it where the app asks for a license key.',
    '',
    'A new key replaces any previous one. Keep the key private: it identifies your license.',
  ].join('\n')
  return { subject, body }
}
