/**
 * The one table of API error codes. Every 4xx/5xx answer is `{ error, code, status }` with a
 * `code` from here, and every code is documented in `docs/errors.md` (a test checks it).
 *
 * To add a code: add an entry here (status + default message) and a `## CODE` section to
 * docs/errors.md.
 *
 * @example
 * ```ts
 * import { AppError } from './app-error.js'
 * throw new AppError('NOT_FOUND', 'No such license')
 * ```
 */
export const ERROR_CODES = {
  // 400: the request itself is wrong
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the schema' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON' },
  BAD_REQUEST: { status: 400, message: 'Bad request' },
  INVALID_CURSOR: { status: 400, message: 'The pagination cursor is not valid' },
  // 401 / 403: who is calling
  UNAUTHORIZED: { status: 401, message: 'An admin API key is required (Authorization: Bearer)' },
  INVALID_API_KEY: { status: 401, message: 'The API key is not valid' },
  API_KEY_REVOKED: { status: 401, message: 'The API key has been revoked' },
  INSUFFICIENT_SCOPE: { status: 403, message: 'The API key lacks the scope this route needs' },
  // 404
  NOT_FOUND: { status: 404, message: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  // 405 / 406 / 409 / 413 / 415
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  NOT_ACCEPTABLE: { status: 406, message: 'The requested representation is not available' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state' },
  INVALID_STATE_TRANSITION: {
    status: 409,
    message: 'The license cannot make this status change from its current status',
  },
  CUSTOMER_HAS_LICENSES: { status: 409, message: 'The customer still has licenses' },
  PLAN_IN_USE: { status: 409, message: 'Licenses still reference this plan' },
  SIGNING_KEY_IN_USE: {
    status: 409,
    message: 'The signing key is still active: retire it before removing it',
  },
  NO_ACTIVE_SIGNING_KEY: { status: 409, message: 'The tenant has no active signing key' },
  LAST_SIGNING_KEY: { status: 409, message: 'The only active signing key cannot be retired' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send application/json' },
  // 429
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  // 5xx
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is unavailable; retry later' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is unavailable; retry later' },
  QUERY_TIMEOUT: {
    status: 503,
    message: 'The query ran past the database statement timeout; narrow the filters or retry',
  },
  // fleet (issue 4)
  INVALID_LICENSE_KEY: {
    status: 401,
    message: 'The license key is not valid (format, checksum, signature or signing key)',
  },
  DEPLOYMENT_MISMATCH: {
    status: 403,
    message: 'The license is node-locked to another deployment',
  },
  USAGE_PERIOD_TOO_OLD: {
    status: 400,
    message: 'A counter period is older than the usage retention window; it cannot be counted',
  },
  TOO_MANY_DEPLOYMENTS: {
    status: 409,
    message: 'Every deployment seat of the license is in use; deactivate one first',
  },
  // billing (issue 7)
  BILLING_NOT_CONFIGURED: {
    status: 503,
    message: 'Billing is not configured (STRIPE_SECRET_KEY / STRIPE_WEBHOOK_SECRET)',
  },
  WEBHOOK_SIGNATURE_INVALID: {
    status: 400,
    message: 'The Stripe-Signature header does not match the payload',
  },
  WEBHOOK_TIMESTAMP_OUT_OF_TOLERANCE: {
    status: 400,
    message: 'The Stripe-Signature timestamp is outside the tolerance window',
  },
  BILLING_EVENT_INVALID: { status: 400, message: 'The Stripe event lacks a field billing needs' },
  BILLING_EVENT_IN_PROGRESS: {
    status: 409,
    message: 'Another delivery of this event is being processed; retry later',
  },
  BILLING_EVENT_NOT_RETRYABLE: {
    status: 409,
    message: 'Only a failed billing event can be retried',
  },
  BILLING_PLAN_NOT_FOUND: { status: 409, message: 'No plan maps to the Stripe price' },
  PLAN_NOT_PURCHASABLE: { status: 409, message: 'The plan has no Stripe price to sell' },
  NO_STRIPE_CUSTOMER: { status: 409, message: 'The license is not billed through Stripe' },
  OUTBOX_MESSAGE_NOT_RETRYABLE: {
    status: 409,
    message: 'Only a message that gave up (failed) can be retried',
  },
  BILLING_EVENT_FAILED: {
    status: 500,
    message: 'The event was stored but its handler failed; it stays retryable',
  },
  STRIPE_UNAVAILABLE: {
    status: 502,
    message: 'Stripe could not be reached or refused the request',
  },
  // analysis (issue 8)
  INVALID_BYTECODE: {
    status: 400,
    message: 'The bytecode must be non-empty, even-length hex of at most 64 KiB',
  },
  LICENSE_REVOKED: { status: 403, message: 'The license is revoked' },
  LICENSE_SUSPENDED: { status: 403, message: 'The license is suspended' },
  LICENSE_EXPIRED: { status: 403, message: 'The license is expired (past its grace period)' },
  LICENSE_NOT_YET_VALID: { status: 403, message: 'The license is not valid yet' },
  NOT_ENTITLED: { status: 403, message: 'The license does not entitle this analysis type' },
  NONCE_REPLAYED: { status: 409, message: 'The nonce was already used; send a fresh one' },
  ANALYSIS_FAILED: { status: 500, message: 'The analysis worker failed' },
  ANALYSIS_LIMIT_EXCEEDED: {
    status: 500,
    message: 'The analysis exceeded the worker memory or output limit',
  },
  ANALYSIS_UNAVAILABLE: {
    status: 503,
    message: 'The analysis runner cannot start here (sandbox or worker build missing)',
  },
  ANALYSIS_BUSY: { status: 503, message: 'Too many analyses are running; retry shortly' },
  ANALYSIS_TIMEOUT: { status: 504, message: 'The analysis did not finish within its time limit' },
  // customer portal (issue 17)
  SEAT_RESET_COOLDOWN: {
    status: 409,
    message: 'A seat of this license was freed recently; wait for the cooldown',
  },
  SEAT_RESET_LIMIT_REACHED: {
    status: 409,
    message: 'The plan allows no more seat resets for this license in this period',
  },
  PORTAL_READ_ONLY: { status: 403, message: 'A support session can look but not change anything' },
  PORTAL_ADMIN_REQUIRED: {
    status: 403,
    message: 'Only an admin of the customer account can do this',
  },
  PORTAL_TEAM_FULL: {
    status: 409,
    message: 'The customer account has the most people it may have',
  },
  SUPPORT_LINK_INVALID: {
    status: 410,
    message: 'The support link is unknown, expired or already used',
  },
  // lifecycle events, webhooks, idempotency (issue 19)
  WEBHOOK_URL_NOT_ALLOWED: {
    status: 400,
    message: 'Webhook URLs must be https and reach a public address',
  },
  WEBHOOK_DELIVERY_PENDING: {
    status: 409,
    message: 'The delivery is still pending; it will be attempted without a resend',
  },
  INVALID_IDEMPOTENCY_KEY: {
    status: 400,
    message: 'Idempotency-Key must be 1-200 printable ASCII characters',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    message: 'This Idempotency-Key was used with a different request in the last 24 hours',
  },
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409,
    message: 'A request with this Idempotency-Key is still running; retry shortly',
  },
  CUSTOMER_HAS_NO_EMAIL: {
    status: 409,
    message: 'The customer has no email address to deliver the license to',
  },
  // hardening (issue 20)
  LAST_OWNER_KEY: {
    status: 409,
    message: 'The last active owner (*) key cannot be revoked; create another owner key first',
  },
  // offline activation (issue 18)
  ACTIVATION_REQUEST_INVALID: {
    status: 400,
    message: 'The activation request is not one the client SDK writes',
  },
  DEACTIVATION_PROOF_INVALID: {
    status: 400,
    message: 'The deactivation proof is malformed or not signed by the deployment it names',
  },
  // trials and named users (t18, issue 18)
  TRIAL_ALREADY_USED: {
    status: 409,
    message: 'A trial was already used by this customer, email or machine',
  },
  NOT_A_TRIAL_PLAN: { status: 400, message: 'The plan is not a trial plan (no trialDays)' },
  TRIALS_DISABLED: { status: 404, message: 'Self-service trials are not offered here' },
  TRIAL_CODE_INVALID: {
    status: 400,
    message: 'The code is wrong, expired or used; request a new one',
  },
  USER_LIMIT_REACHED: {
    status: 409,
    message: 'The license has as many named users as it allows (maxUsers)',
  },
  // floating seats (issue 18)
  FLOATING_NOT_ENABLED: {
    status: 409,
    message: 'The license has no floating seats (its policy sets no `floating`)',
  },
  SEATS_EXHAUSTED: {
    status: 409,
    message:
      'Every floating seat of the license is in use; retry when a lease is checked in or expires',
  },
  SEAT_LEASE_NOT_FOUND: {
    status: 404,
    message: 'No such seat lease: it was checked in, released or cleaned up; check out again',
  },
  SEAT_LEASE_EXPIRED: {
    status: 409,
    message: 'The seat lease expired before it was renewed; check out again',
  },
  SEAT_LICENSE_INACTIVE: {
    status: 403,
    message: 'The license is suspended, revoked or expired: it holds no floating seats',
  },
  // air-gapped floating relay (issue 18)
  RELAY_REQUEST_INVALID: {
    status: 400,
    message: 'The relay request is not one `tollgate relay init` writes',
  },
  POOL_SEATS_UNAVAILABLE: {
    status: 409,
    message: "The pool would hold more than the license's floating seats left to unexpired pools",
  },
  POOL_EXPIRED: {
    status: 403,
    message:
      "The relay's pool file expired: it hands out no seats until a renewed file is dropped in",
  },
  POOL_NOT_YET_VALID: {
    status: 403,
    message: "The relay's pool file is not valid yet (its nbf is in the future)",
  },
  // tenant export / import (issue 19)
  IMPORT_FORMAT_INVALID: {
    status: 400,
    message: 'The file is not a Tollgate export this server can read',
  },
  IMPORT_PASSPHRASE_REQUIRED: {
    status: 400,
    message: 'The export holds encrypted signing keys: send its passphrase',
  },
  IMPORT_PASSPHRASE_WRONG: {
    status: 400,
    message: 'The passphrase does not decrypt the signing keys of this export',
  },
  IMPORT_TENANT_FORBIDDEN: {
    status: 403,
    message: 'This key may not import into that tenant',
  },
} as const satisfies Record<string, { status: number; message: string }>

/** A stable API error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/** True when `value` is a code of the table. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value)
}
