import { LicenseError, type LicenseErrorCode } from '../../lib/license-error.js'

/**
 * Every floating seat of the license is in use (the server answered SEATS_EXHAUSTED). Retry
 * later: seats free up on check-in or when a lease expires.
 *
 * @example
 * ```ts
 * try { await client.checkoutSeat({ scope: 'worker-1' }) } catch (err) {
 *   if (err instanceof SeatsExhaustedError) showAllSeatsBusy()
 * }
 * ```
 */
export class SeatsExhaustedError extends LicenseError {
  constructor(message = 'Every floating seat of the license is in use') {
    super('SEATS_EXHAUSTED', message)
  }
}

/**
 * The server refused a seat for another reason than a full license: `serverCode` says which
 * (FLOATING_NOT_ENABLED, SEAT_LICENSE_INACTIVE, INVALID_LICENSE_KEY, DEPLOYMENT_MISMATCH...),
 * or the answer did not verify against the client's keys (`serverCode` undefined).
 *
 * @example
 * ```ts
 * if (err instanceof SeatRefusedError && err.serverCode === 'FLOATING_NOT_ENABLED') useNamedSeat()
 * ```
 */
export class SeatRefusedError extends LicenseError {
  /** The server's error code, when it answered one. */
  readonly serverCode: string | undefined

  constructor(message: string, serverCode?: string, code: LicenseErrorCode = 'SEAT_REFUSED') {
    super(code, message)
    this.serverCode = serverCode
  }
}
