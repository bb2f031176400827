import { createHmac, timingSafeEqual } from 'node:crypto'

/** A Tollgate event as a webhook delivers it. */
export interface WebhookEvent {
  /** Event id: the same on every retry and resend; de-duplicate on it. */
  id: string
  /** `license.created`, `deployment.activated`, ... (docs/webhooks.md). */
  type: string
  createdAt: string
  data: unknown
}

/** Result of {@link verifyWebhook}. */
export type WebhookVerification =
  | { valid: true; event: WebhookEvent }
  | { valid: false; reason: 'malformed' | 'timestamp' | 'signature' }

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** Largest accepted age (or clock skew) of the signature timestamp, in seconds. Default 300. */
  toleranceS?: number
  /** Clock, for tests. */
  now?: () => Date
}

/**
 * Verifies a Tollgate webhook delivery: the `Tollgate-Signature` header
 * (`t=<unix>,v1=<hex>[,v1=<hex>]`) must carry an HMAC-SHA256 of `<t>.<raw body>` under one of
 * `secrets` (pass both during a rotation), and `t` must be within `toleranceS` of now (replay
 * guard). Compare in constant time; pass the raw body bytes, not a re-serialised object.
 *
 * @example
 * ```ts
 * const r = verifyWebhook(rawBody, req.headers['tollgate-signature'], process.env.TOLLGATE_WEBHOOK_SECRET!)
 * if (!r.valid) return res.status(400).end()
 * if (await seen(r.event.id)) return res.status(200).end()
 * ```
 */
export function verifyWebhook(
  body: string | Uint8Array,
  signatureHeader: string | string[] | undefined,
  secrets: string | readonly string[],
  opts: VerifyWebhookOptions = {},
): WebhookVerification {
  if (typeof signatureHeader !== 'string' || signatureHeader.length > 4096) {
    return { valid: false, reason: 'malformed' }
  }
  const parts = signatureHeader.split(',').map((p) => p.trim())
  const t = parts.find((p) => p.startsWith('t='))?.slice(2)
  const sigs = parts.filter((p) => p.startsWith('v1=')).map((p) => p.slice(3))
  if (!t || !/^\d{1,12}$/.test(t) || sigs.length === 0) return { valid: false, reason: 'malformed' }
  const nowS = (opts.now?.() ?? new Date()).getTime() / 1000
  if (Math.abs(nowS - Number(t)) > (opts.toleranceS ?? 300)) {
    return { valid: false, reason: 'timestamp' }
  }
  const raw = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body)
  const signed = Buffer.concat([Buffer.from(`${t}.`), raw])
  const ok = (typeof secrets === 'string' ? [secrets] : secrets).some((secret) => {
    const expected = createHmac('sha256', secret).update(signed).digest()
    return sigs.some((hex) => {
      const got = /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : Buffer.alloc(0)
      return got.length === expected.length && timingSafeEqual(got, expected)
    })
  })
  if (!ok) return { valid: false, reason: 'signature' }
  try {
    const event = JSON.parse(raw.toString('utf8')) as WebhookEvent
    if (typeof event?.id !== 'string' || typeof event.type !== 'string') {
      return { valid: false, reason: 'malformed' }
    }
    return { valid: true, event }
  } catch {
    return { valid: false, reason: 'malformed' }
  }
}
