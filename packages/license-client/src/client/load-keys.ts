import { ConfigInvalidError, InvalidKeyError } from '../errors.js'
import { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { describe } from './core.js'
import { fetchJwks } from './load-config.js'
import type { ClientStore } from './storage.js'
import type { LicenseClientOptions, Logger } from './types.js'

const isJwks = (d: unknown): d is Jwks => Array.isArray((d as { keys?: unknown }).keys)

/**
 * The pinned vendor keys (`publicKeys`), parsed before the start touches the disk: unusable
 * keys are a programming error (CONFIG_INVALID), undefined when none are pinned.
 *
 * @example
 * ```ts
 * const pinned = parsePinnedKeys(opts) // throws ConfigInvalidError for a bad key
 * ```
 */
export function parsePinnedKeys(opts: LicenseClientOptions): KeySet | undefined {
  if (opts.publicKeys === undefined) return undefined
  try {
    return KeySet.from(opts.publicKeys)
  } catch (err) {
    throw new ConfigInvalidError(
      `publicKeys: ${err instanceof InvalidKeyError ? err.message : describe(err)}`,
    )
  }
}

/**
 * The keys a start verifies with: the pinned ones alone, or (with `jwksUrl`) the key set cached
 * in the storage dir, else fetched, accepted through `keysFrom` (only what a pinned key signed,
 * when keys are pinned). Null when no key can be had; never rejects.
 *
 * @example
 * ```ts
 * const keys = await loadKeys(opts, parsePinnedKeys(opts), store, 10_000, logger, keysFrom)
 * ```
 */
export async function loadKeys(
  opts: LicenseClientOptions,
  pinned: KeySet | undefined,
  store: ClientStore,
  timeoutMs: number,
  logger: Logger,
  keysFrom: (doc: Jwks) => KeySet,
): Promise<KeySet | null> {
  if (pinned !== undefined && opts.jwksUrl === undefined) return pinned
  if (pinned === undefined) {
    logger.warn(
      { code: 'CONFIG_INVALID', jwksUrl: opts.jwksUrl },
      'jwksUrl without publicKeys: the key set cached in storageDir is trusted as found there. ' +
        'Pin a vendor key (publicKeys) so only key sets it signed are accepted.',
    )
  }
  // JWKS URL: a cached copy lets an offline restart verify immediately; refreshed in the background.
  const cached = await store.readJson('jwks', isJwks)
  if (cached !== undefined) {
    const fromCache = safeKeySet(cached, keysFrom)
    if (fromCache) return fromCache
    await store.discard('jwks', 'not signed by a pinned key')
  }
  try {
    const jwks = await fetchJwks(opts.jwksUrl!, timeoutMs)
    const keys = keysFrom(jwks)
    await store.writeJson('jwks', jwks)
    return keys
  } catch (err) {
    logger.warn(
      { code: 'NETWORK_ERROR', jwksUrl: opts.jwksUrl },
      `Could not fetch the JWKS from ${opts.jwksUrl}: ${describe(err)}`,
    )
    return pinned ?? null
  }
}

function safeKeySet(jwks: Jwks, keysFrom: (doc: Jwks) => KeySet): KeySet | undefined {
  try {
    return keysFrom(jwks)
  } catch {
    return undefined
  }
}
