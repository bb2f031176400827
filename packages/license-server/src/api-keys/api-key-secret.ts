import { randomString } from '../lib/ids.js'
import { sha256Hex } from '../lib/hash.js'

/** Every admin key starts with this. */
export const API_KEY_PREFIX = 'tg_admin_'

/** A new secret `tg_admin_<40 base62 chars>` (~238 bits). */
export function generateApiKeySecret(): string {
  return API_KEY_PREFIX + randomString(40)
}

/** What is stored: the SHA-256 of the secret, and a short display prefix. */
export function hashApiKeySecret(secret: string): { keyHash: string; prefix: string } {
  return { keyHash: sha256Hex(secret), prefix: secret.slice(0, API_KEY_PREFIX.length + 8) }
}
