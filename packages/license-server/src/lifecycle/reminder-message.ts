/** What a reminder is about. */
export type ReminderKind = 'expiry' | 'renewal' | 'trial_end'

/** The facts a reminder states. */
export interface ReminderInput {
  kind: ReminderKind
  customerName: string
  product: string
  tier: string
  licenseId: string
  endsAt: Date
  daysLeft: number
}

const day = (d: Date) => d.toISOString().slice(0, 10)

/**
 * The plain-text reminder sent N days before a license ends, renews or its trial ends.
 *
 * @example
 * ```ts
 * const { subject, body } = renderReminder({ kind: 'expiry', customerName: 'Acme', product: 'app', tier: 'pro', licenseId, endsAt, daysLeft: 7 })
 * ```
 */
export function renderReminder(r: ReminderInput): { subject: string; body: string } {
  const when = `${day(r.endsAt)} (in ${r.daysLeft} day${r.daysLeft === 1 ? '' : 's'})`
  const lines: Record<ReminderKind, { subject: string; text: string }> = {
    expiry: {
      subject: `Your ${r.product} license expires on ${day(r.endsAt)}`,
      text: `Your license expires on ${when}. Renew it before then to keep every feature.`,
    },
    renewal: {
      subject: `Your ${r.product} subscription renews on ${day(r.endsAt)}`,
      text: `Your subscription renews on ${when}. Nothing to do if your payment details are current.`,
    },
    trial_end: {
      subject: `Your ${r.product} trial ends on ${day(r.endsAt)}`,
      text: `Your trial ends on ${when}. Buy a license before then to keep using it.`,
    },
  }
  const m = lines[r.kind]
  return {
    subject: m.subject,
    body: [
      `Hello ${r.customerName},`,
      '',
      m.text,
      '',
      `Product: ${r.product}   Plan: ${r.tier}   License: ${r.licenseId}`,
    ].join('\n'),
  }
}
