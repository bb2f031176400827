import type { LicenseErrorCode } from '../lib/license-error.js'
import { SeatRefusedError } from '../client/seats/seat-errors.js'
import { LicenseError } from '../lib/license-error.js'

/**
 * A pool file (or the relay lease chain built on it) that does not hold: not signed by a vendor
 * key the caller trusts, the wrong shape, another license, or another relay's key. A seat from
 * such a relay is refused (it is a {@link SeatRefusedError}, so a held seat becomes `lost`).
 *
 * @example
 * ```ts
 * try { verifyPoolFile(text, vendorKeys) } catch (err) {
 *   if (err instanceof PoolFileInvalidError) refuseToStart(err.message)
 * }
 * ```
 */
export class PoolFileInvalidError extends SeatRefusedError {
  constructor(message: string, serverCode?: string, code: LicenseErrorCode = 'POOL_INVALID') {
    super(message, serverCode, code)
  }
}

/**
 * The pool file is outside its validity (past `exp`, or before `nbf`), or the relay answered
 * POOL_EXPIRED: the relay hands out no seats until the vendor sends a renewed pool file.
 *
 * @example
 * ```ts
 * if (err instanceof PoolExpiredError) tellAdmin('renew the relay pool file')
 * ```
 */
export class PoolExpiredError extends SeatRefusedError {
  constructor(message = 'The relay pool file is not valid now', serverCode?: string) {
    super(message, serverCode, 'POOL_EXPIRED')
  }
}

/**
 * A relay request file that is not one `tollgate relay init` writes.
 *
 * @example
 * ```ts
 * try { parseRelayRequest(text) } catch (err) {
 *   if (err instanceof RelayRequestInvalidError) console.error(err.message)
 * }
 * ```
 */
export class RelayRequestInvalidError extends LicenseError {
  constructor(message: string) {
    super('RELAY_REQUEST_INVALID', message)
  }
}
