import { createHmac } from 'node:crypto'

/**
 * The `Tollgate-Signature` header of a delivery: `t=<unix seconds>,v1=<hex>[,v1=<hex>]`, each
 * `v1` an HMAC-SHA256 of `<t>.<body>` under one secret (the current one, then the previous one
 * during a rotation's overlap). Receivers accept the request when any `v1` matches.
 *
 * @example
 * ```ts
 * const header = signWebhook(body, ['whsec_...'], Math.floor(Date.now() / 1000))
 * ```
 */
export function signWebhook(body: string, secrets: readonly string[], timestamp: number): string {
  const signed = `${timestamp}.${body}`
  const sigs = secrets.map((s) => `v1=${createHmac('sha256', s).update(signed).digest('hex')}`)
  return [`t=${timestamp}`, ...sigs].join(',')
}
