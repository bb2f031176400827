import { createHash } from 'node:crypto'

/**
 * The hash a relay lease names its pool file by: base64url SHA-256 of the pool JWS (trimmed).
 *
 * @example
 * ```ts
 * signSeatLease({ ...lease, poolHash: poolFileHash(poolFile) }, relayKey)
 * ```
 */
export function poolFileHash(poolFile: string): string {
  return createHash('sha256').update(poolFile.trim()).digest('base64url')
}
