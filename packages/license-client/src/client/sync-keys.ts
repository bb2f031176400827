import { NetworkError } from '../errors.js'
import type { KeySet } from '../keys/key-set.js'
import type { Jwks } from '../keys/types.js'
import { describe, type ClientCore } from './core.js'
import type { ClientStore } from './storage.js'
import type { Logger } from './types.js'

/** What a key refresh needs from the client. */
export interface KeySyncDeps {
  core: ClientCore
  store: ClientStore
  logger: Logger
  token: () => string | undefined
  fetchJwks: () => Promise<Jwks>
  /** Turns a fetched JWKS into trusted keys; throws when it is not signed by a pinned key. */
  keysFrom: (doc: Jwks) => KeySet
}

/**
 * Fetches the JWKS, keeps it when trusted (and caches it), and verifies the key again with it.
 * Never throws: false (logged) when the keys could not be fetched or were not trusted.
 *
 * @example
 * ```ts
 * if (await refreshKeys(deps)) core.acceptLease(lease, { fresh: true })
 * ```
 */
export async function refreshKeys(d: KeySyncDeps): Promise<boolean> {
  const { core, logger } = d
  try {
    const jwks = await d.fetchJwks()
    core.keys = d.keysFrom(jwks)
    core.setToken(d.token())
    void d.store.writeJson('jwks', jwks)
    return true
  } catch (err) {
    logger.warn(
      { code: err instanceof NetworkError ? 'NETWORK_ERROR' : 'UNTRUSTED_KEYS' },
      `Could not refresh the JWKS: ${describe(err)}`,
    )
    return false
  }
}
