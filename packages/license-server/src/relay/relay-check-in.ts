import { checkPoolLicense, type RelayDeps } from './relay-deps.js'
import { deleteRelayLease } from './relay-lease.repository.js'

/**
 * Checks a relay seat in (frees it at once). Idempotent (`released: false` for a lease already
 * gone); allowed after the pool expired too, so clients can always give seats back.
 *
 * @example
 * ```ts
 * const { released } = await relayCheckIn(deps, { key, leaseId: 'seat_...' })
 * ```
 */
export async function relayCheckIn(
  deps: RelayDeps,
  input: { key: string; leaseId: string },
): Promise<{ released: boolean }> {
  checkPoolLicense(deps, input.key, await deps.pools.current())
  return { released: await deleteRelayLease(deps.db, input.leaseId) }
}
