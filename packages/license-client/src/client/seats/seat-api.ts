import { NetworkError } from '../client-errors.js'
import type { KeySet } from '../../keys/key-set.js'
import { verifySeatLease } from '../../seat/verify-seat-lease.js'
import type { SeatLeaseClaims } from '../../seat/types.js'
import type { Transport } from '../transport.js'
import { SeatRefusedError, SeatsExhaustedError } from './seat-errors.js'
import { verifyRelayLease } from '../../pool/verify-relay-lease.js'
import { PoolExpiredError } from '../../pool/pool-errors.js'

/** What the seat calls need from the client. */
export interface SeatApiDeps {
  transport: Transport
  /** The client's trusted keys (pinned or pinned-signed), null when none. */
  keys: () => KeySet | null
  /** The license key. */
  token: () => string | undefined
  /** The verified license's id, to check leases against. */
  licenseId: () => string | undefined
  deploymentId: string
  /**
   * Seats from an air-gapped relay (`relayUrl`): leases are accepted only through the chain
   * vendor key → pool file → relay key (see verifyRelayLease), judged at `nowMs`.
   */
  relay?: { nowMs: () => number } | undefined
}

/** A verified seat lease with the server's warning, if any. */
export interface SeatGrant {
  claims: SeatLeaseClaims
  lease: string
  warning: string | null
}

/**
 * The three seat calls. Server refusals become typed errors (SeatsExhaustedError,
 * SeatRefusedError); a missing answer, a 5xx or a 429 stays a NetworkError (the caller keeps
 * its seat until the lease expires). Every lease is verified against the client's keys and
 * must name this license and scope.
 */
export class SeatApi {
  readonly #d: SeatApiDeps

  constructor(deps: SeatApiDeps) {
    this.#d = deps
  }

  /** POST /v1/seats/checkout. */
  async checkout(scope: string): Promise<SeatGrant> {
    const body = { key: this.#key(), scope, deploymentId: this.#d.deploymentId }
    const res = await this.#post('/v1/seats/checkout', body)
    return this.#verify(res, scope)
  }

  /** POST /v1/seats/renew. */
  async renew(leaseId: string, scope: string): Promise<SeatGrant> {
    const res = await this.#post('/v1/seats/renew', { key: this.#key(), leaseId })
    return this.#verify(res, scope)
  }

  /** POST /v1/seats/checkin (idempotent). */
  async checkin(leaseId: string): Promise<void> {
    await this.#post('/v1/seats/checkin', { key: this.#key(), leaseId })
  }

  #key(): string {
    const key = this.#d.token()
    if (key === undefined) throw new SeatRefusedError('No license key to check a seat out with')
    return key
  }

  async #post(path: string, body: object): Promise<Record<string, unknown>> {
    try {
      return (await this.#d.transport.post(path, body)) as Record<string, unknown>
    } catch (err) {
      throw toSeatError(err)
    }
  }

  #verify(res: Record<string, unknown>, scope: string): SeatGrant {
    const keys = this.#d.keys()
    if (keys === null || typeof res.lease !== 'string') {
      throw new SeatRefusedError('The seat lease cannot be verified (no keys, or no lease)')
    }
    let claims: SeatLeaseClaims
    if (this.#d.relay !== undefined) {
      // Typed refusals (POOL_INVALID, POOL_EXPIRED, RELAY_LEASE_INVALID) go to the app as such.
      claims = verifyRelayLease({
        lease: res.lease,
        poolFile: typeof res.pool === 'string' ? res.pool : '',
        vendorKeys: keys,
        licenseId: this.#d.licenseId() ?? '',
        nowMs: this.#d.relay.nowMs(),
      }).lease
    } else {
      try {
        claims = verifySeatLease(res.lease, keys)
      } catch (err) {
        throw new SeatRefusedError(`The seat lease does not verify: ${(err as Error).message}`)
      }
    }
    if (claims.lid !== this.#d.licenseId() || claims.scope !== scope || claims.exp <= claims.iat) {
      throw new SeatRefusedError('The seat lease names another license or scope')
    }
    const warning = typeof res.warning === 'string' ? res.warning.slice(0, 64) : null
    return { claims, lease: res.lease, warning }
  }
}

/**
 * A seat call's failure as the handle sees it: 4xx answers with a code are refusals (typed),
 * everything else (no answer, 5xx, 429) is an outage to ride out.
 */
export function toSeatError(err: unknown): unknown {
  if (!(err instanceof NetworkError) || err.status === undefined) return err
  if (err.status >= 500 || err.status === 429) return err
  if (err.serverCode === 'SEATS_EXHAUSTED') return new SeatsExhaustedError()
  if (err.serverCode === 'POOL_EXPIRED' || err.serverCode === 'POOL_NOT_YET_VALID') {
    return new PoolExpiredError(`The relay refused the seat (${err.serverCode})`, err.serverCode)
  }
  return new SeatRefusedError(
    `The server refused the seat (${err.serverCode ?? err.status})`,
    err.serverCode,
  )
}
