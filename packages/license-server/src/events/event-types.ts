/**
 * Every event type a webhook endpoint can subscribe to (docs/webhooks.md lists them with their
 * payloads). An endpoint may also subscribe to `*` or to an area such as `license.*`.
 */
export const EVENT_TYPES = [
  'license.created',
  'license.renewed',
  'license.updated',
  'license.reissued',
  'license.suspended',
  'license.reinstated',
  'license.revoked',
  'license.expired',
  'license.expiring_soon',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'plan.created',
  'plan.updated',
  'plan.deleted',
  'deployment.activated',
  'deployment.deactivated',
  'deployment.culled',
  'violation.created',
  'usage.limit_reached',
  'billing.payment_failed',
  'webhook.test',
] as const

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number]

/**
 * The event an audited action announces. A service that writes one of these audit entries
 * emits the event in the same call (see `recordAudit`), so no change can be audited without its
 * event or the other way round.
 */
export const AUDIT_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  'license.issue': 'license.created',
  'license.renew': 'license.renewed',
  'license.reissue': 'license.reissued',
  'license.plan_change': 'license.updated',
  'license.suspend': 'license.suspended',
  'license.reinstate': 'license.reinstated',
  'license.revoke': 'license.revoked',
  'license.expire': 'license.expired',
  'customer.create': 'customer.created',
  'customer.update': 'customer.updated',
  'customer.delete': 'customer.deleted',
  'plan.create': 'plan.created',
  'plan.update': 'plan.updated',
  'plan.delete': 'plan.deleted',
  'deployment.deactivate': 'deployment.deactivated',
}

/**
 * True when an endpoint's filter list selects `type`: the exact type, `*`, or its area
 * (`license.*`).
 *
 * @example
 * ```ts
 * matchesEventFilter(['license.*'], 'license.revoked') // true
 * ```
 */
export function matchesEventFilter(filters: readonly string[], type: string): boolean {
  const area = `${type.split('.')[0]}.*`
  return filters.some((f) => f === '*' || f === type || f === area)
}

/** Valid filter strings: a type, an area wildcard or `*`. */
export const EVENT_FILTERS: readonly string[] = [
  '*',
  ...new Set(EVENT_TYPES.map((t) => `${t.split('.')[0]}.*`)),
  ...EVENT_TYPES,
]
