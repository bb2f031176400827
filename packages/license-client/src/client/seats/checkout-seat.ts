import type { SeatApi } from './seat-api.js'
import { SeatHandle, type CheckoutSeatOptions } from './seat-handle.js'
import { ConfigInvalidError } from '../client-errors.js'

/**
 * Checks out a floating seat and returns its self-renewing handle. Rejects with
 * SeatsExhaustedError (all seats in use), SeatRefusedError (no floating seats on the license,
 * license inactive, lease not verifiable), NetworkError (server unreachable), or
 * ConfigInvalidError (no server configured, bad scope).
 *
 * @example
 * ```ts
 * const seat = await checkoutSeat(api, { scope: 'user:42' })
 * ```
 */
export async function checkoutSeat(
  api: SeatApi | undefined,
  opts: CheckoutSeatOptions,
): Promise<SeatHandle> {
  if (api === undefined) throw new ConfigInvalidError('checkoutSeat needs serverUrl')
  if (typeof opts.scope !== 'string' || opts.scope.length === 0 || opts.scope.length > 200) {
    throw new ConfigInvalidError('scope must be a string of 1 to 200 characters')
  }
  const grant = await api.checkout(opts.scope)
  return new SeatHandle(api, opts, grant)
}
