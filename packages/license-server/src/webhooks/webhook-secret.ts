import { randomBytes } from 'node:crypto'
import { open, seal } from '../lib/secret-box.js'
import type { WebhookEndpointRow } from './webhook.table.js'

/**
 * A new endpoint signing secret (`whsec_` + 32 random bytes, base64url). Shown once; stored
 * sealed under the master key, because signing needs it in clear.
 *
 * @example
 * ```ts
 * const secret = newWebhookSecret()
 * ```
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`
}

const aad = (endpointId: string) => `webhook-endpoint:${endpointId}`

/** Seals a secret for its endpoint row. */
export function sealWebhookSecret(masterKey: Buffer, endpointId: string, secret: string): string {
  return seal(masterKey, secret, aad(endpointId))
}

/**
 * The secrets that sign a delivery now: the current one, then the previous one while its
 * rotation overlap lasts.
 *
 * @example
 * ```ts
 * const secrets = signingSecrets(endpoint, masterKey, now)
 * ```
 */
export function signingSecrets(
  endpoint: Pick<
    WebhookEndpointRow,
    'id' | 'secret_sealed' | 'previous_secret_sealed' | 'previous_secret_expires_at'
  >,
  masterKey: Buffer,
  now: Date,
): string[] {
  const secrets = [open(masterKey, endpoint.secret_sealed, aad(endpoint.id))]
  if (
    endpoint.previous_secret_sealed &&
    endpoint.previous_secret_expires_at &&
    endpoint.previous_secret_expires_at > now
  ) {
    secrets.push(open(masterKey, endpoint.previous_secret_sealed, aad(endpoint.id)))
  }
  return secrets
}
