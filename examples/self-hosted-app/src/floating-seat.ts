import { hostname } from 'node:os'
import {
  SeatRefusedError,
  SeatsExhaustedError,
  type LicenseClient,
  type SeatHandle,
} from '@tollgate/license-client'

/** Exit code when no floating seat is free (EX_TEMPFAIL: try again later). */
export const NO_SEAT_EXIT_CODE = 75

/** The app could not take a floating seat; `code` is stable, `message` is for the operator. */
export class NoSeatError extends Error {
  readonly code: 'SEATS_EXHAUSTED' | 'SEAT_REFUSED'
  constructor(code: 'SEATS_EXHAUSTED' | 'SEAT_REFUSED', message: string) {
    super(message)
    this.name = 'NoSeatError'
    this.code = code
  }
}

/**
 * The seat scope of this process: one floating seat per running app instance. A restart gets a
 * new pid and so a new scope; the old lease is checked in on exit or runs out at its TTL.
 *
 * @example
 * ```ts
 * processSeatScope() // 'app:build-host-1:4242'
 * ```
 */
export function processSeatScope(): string {
  return `app:${hostname()}:${process.pid}`.slice(0, 200)
}

/**
 * Checks out this process's floating seat (the plan's `policy.floating`). A full license is a
 * {@link NoSeatError} whose message says what to do; the seat is released by `seat.release()`
 * (or `license.close()`) on exit, and frees itself at its lease TTL after a crash.
 *
 * @example
 * ```ts
 * const seat = await checkoutProcessSeat(license)
 * process.once('SIGTERM', () => void seat.release())
 * ```
 */
export async function checkoutProcessSeat(
  license: LicenseClient,
  offlineGraceS = 300,
): Promise<SeatHandle> {
  try {
    return await license.checkoutSeat({ scope: processSeatScope(), offlineGraceS })
  } catch (err) {
    if (err instanceof SeatsExhaustedError) {
      throw new NoSeatError(
        'SEATS_EXHAUSTED',
        'No floating seat is free: every seat of this license is held by another running ' +
          'instance. Stop one of them (or wait for a crashed one to time out) and start again.',
      )
    }
    if (err instanceof SeatRefusedError) {
      throw new NoSeatError(
        'SEAT_REFUSED',
        `The license server refused a floating seat (${err.serverCode ?? 'unverifiable lease'}): ${err.message}`,
      )
    }
    throw err
  }
}
