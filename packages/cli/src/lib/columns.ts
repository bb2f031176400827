import type { Column } from './output.js'

// The columns each resource shows in a table; `--json` always carries every field.
const col = (key: string, header = key.toUpperCase()): Column => ({ key, header })

export const LICENSE_COLUMNS: Column[] = [
  col('id'),
  // The name when the command looked it up (`withCustomerNames`), else the id.
  { key: 'customerId', header: 'CUSTOMER', get: (row) => row.customerName ?? row.customerId },
  col('product'),
  col('tier'),
  col('status'),
  col('expiresAt', 'EXPIRES'),
]

export const CUSTOMER_COLUMNS: Column[] = [
  col('id'),
  col('name'),
  col('email'),
  col('externalId', 'EXTERNAL ID'),
  col('createdAt', 'CREATED'),
]

export const PLAN_COLUMNS: Column[] = [
  col('id'),
  col('name'),
  col('product'),
  col('tier'),
  col('durationDays', 'DAYS'),
  col('entitlements'),
]

export const API_KEY_COLUMNS: Column[] = [
  col('id'),
  col('name'),
  col('prefix'),
  col('scopes'),
  col('lastUsedAt', 'LAST USED'),
  col('revokedAt', 'REVOKED'),
]

export const SIGNING_KEY_COLUMNS: Column[] = [
  col('kid'),
  col('state'),
  col('signing'),
  col('createdAt', 'CREATED'),
  col('retiredAt', 'RETIRED'),
]

// One id column: the server id that `deployment deactivate` takes; the client's install id
// (deploymentId) stays in --json and `license show`.
export const DEPLOYMENT_COLUMNS: Column[] = [
  col('id'),
  {
    key: 'fingerprint',
    header: 'HOST',
    get: (row) => (row.fingerprint as { hostname?: string } | null)?.hostname,
  },
  col('status'),
  col('appVersion', 'VERSION'),
  col('lastSeenAt', 'LAST SEEN'),
]

export const USAGE_COLUMNS: Column[] = [col('metric'), col('day'), col('amount')]

export const VIOLATION_COLUMNS: Column[] = [
  col('id'),
  col('licenseId', 'LICENSE'),
  col('kind'),
  col('severity'),
  col('occurrences', 'COUNT'),
  col('lastSeenAt', 'LAST SEEN'),
]

export const AUDIT_COLUMNS: Column[] = [
  col('at'),
  col('actor'),
  col('action'),
  col('targetType', 'TYPE'),
  col('targetId', 'TARGET'),
]

export const OUTBOX_COLUMNS: Column[] = [
  col('id'),
  col('kind'),
  col('recipient'),
  col('licenseId', 'LICENSE'),
  col('status'),
  col('attempts'),
  col('createdAt', 'CREATED'),
  col('lastError', 'LAST ERROR'),
]

export const BILLING_EVENT_COLUMNS: Column[] = [
  col('id'),
  col('stripeEventId', 'STRIPE EVENT'),
  col('type'),
  col('status'),
  col('attempts'),
  col('receivedAt', 'RECEIVED'),
  col('error'),
]

export const WEBHOOK_COLUMNS: Column[] = [
  col('id'),
  col('url'),
  col('eventTypes', 'EVENTS'),
  col('status'),
  col('consecutiveFailures', 'FAILURES'),
]

export const WEBHOOK_DELIVERY_COLUMNS: Column[] = [
  col('id'),
  col('endpointId', 'ENDPOINT'),
  col('eventId', 'EVENT'),
  col('status'),
  col('attempts'),
  col('lastStatusCode', 'HTTP'),
  col('lastLatencyMs', 'MS'),
  col('lastError', 'LAST ERROR'),
]

export const EVENT_COLUMNS: Column[] = [
  col('id'),
  col('type'),
  col('licenseId', 'LICENSE'),
  col('subjectId', 'SUBJECT'),
  col('createdAt', 'CREATED'),
]

export const STAFF_COLUMNS: Column[] = [
  col('email'),
  col('name'),
  col('role'),
  col('disabled'),
  col('lastLoginAt', 'LAST LOGIN'),
]
