import { randomBytes } from 'node:crypto'

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

let lastMs = 0
let counter = 0

/** Fixed-width base36 of the millisecond clock, so ids sort by creation time. */
function timePart(): string {
  const ms = Date.now()
  // Within one millisecond a counter keeps ids of this process strictly increasing.
  if (ms === lastMs) counter += 1
  else {
    lastMs = ms
    counter = 0
  }
  return ms.toString(36).padStart(9, '0') + counter.toString(36).padStart(3, '0')
}

/** Random string over `alphabet` without modulo bias (rejection sampling). */
export function randomString(length: number, alphabet: string = BASE62): string {
  const limit = 256 - (256 % alphabet.length)
  let out = ''
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length]
      if (out.length === length) break
    }
  }
  return out
}

/**
 * A prefixed, time-ordered id such as `lic_0mg1x2y3z000a8f3k2j9q1w0`. Sorting ids sorts by
 * creation, which is what cursor pagination relies on.
 *
 * @example
 * ```ts
 * newId('cus') // 'cus_...'
 * ```
 */
export function newId(prefix: string): string {
  return `${prefix}_${timePart()}${randomString(12, ALPHABET)}`
}

const PROCESS_TAG = randomString(6, ALPHABET)
let requestCounter = 0

/**
 * A request id `req_<process tag><counter>`: unique per process run, and cheap (no random bytes
 * per request on the hot path).
 *
 * @example
 * ```ts
 * Fastify({ genReqId: newRequestId })
 * ```
 */
export function newRequestId(): string {
  requestCounter += 1
  return `req_${PROCESS_TAG}${requestCounter.toString(36).padStart(8, '0')}`
}

const TENANT_ID = /^ten_[0-9a-z]{1,60}$/

/**
 * Whether a value has the shape of a tenant id (`ten_` + base36, as {@link newId} makes them).
 * Checked on the `iss` of a key before any lookup: an unsigned key can name anything.
 *
 * @example
 * ```ts
 * isTenantId('ten_0mg1x2y3z000a8f3k2j9q1w0') // true
 * isTenantId('x'.repeat(11_000)) // false
 * ```
 */
export function isTenantId(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID.test(value)
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:/+=-]{0,127}$/

/**
 * The request id of an incoming request: the caller's `X-Request-Id` when it is 1-128 visible
 * ASCII id characters (a UUID, a trace id), else a fresh {@link newRequestId}. The id lands in
 * logs, the answer and audit rows, so it is never stored verbatim from arbitrary input.
 *
 * @example
 * ```ts
 * Fastify({ requestIdHeader: false, genReqId: (req) => requestIdOf(req.headers['x-request-id']) })
 * ```
 */
export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : newRequestId()
}
