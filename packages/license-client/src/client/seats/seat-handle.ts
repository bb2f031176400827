import { EventEmitter } from 'node:events'
import { monotonicMs } from '../core.js'
import type { SeatApi, SeatGrant } from './seat-api.js'
import { SeatRefusedError, SeatsExhaustedError } from './seat-errors.js'

/** Where a seat stands: held (lease fresh), offline (lease run out, within `offlineGraceS`), lost, released. */
export type SeatState = 'held' | 'offline' | 'lost' | 'released'

/** Options of `client.checkoutSeat`. */
export interface CheckoutSeatOptions {
  /** What holds the seat (a process, a user session...): the app decides. */
  scope: string
  /**
   * After the lease ran out without a renewal (server unreachable), keep the seat valid this
   * long, seconds (default 0: block at once).
   */
  offlineGraceS?: number
}

/** Codes after which a renewal is replaced by a fresh checkout of the same scope. */
const CHECK_OUT_AGAIN = new Set(['SEAT_LEASE_NOT_FOUND', 'SEAT_LEASE_EXPIRED'])

/**
 * A checked-out floating seat. Renews itself at a third of the lease TTL on an unref'd timer;
 * while the server is unreachable it keeps the seat until the lease runs out (measured on the
 * monotonic clock from when the lease arrived, so a wrong wall clock changes nothing), then
 * stays `offline` (still valid) for `offlineGraceS`, then is `lost` (not valid). It keeps trying
 * and comes back to `held` when the server answers and a seat is free. Events: `change`
 * `(state, previous)`, `renewed`, `lost`. Never throws into the app from the background.
 *
 * @example
 * ```ts
 * const seat = await client.checkoutSeat({ scope: `worker-${process.pid}`, offlineGraceS: 600 })
 * seat.on('lost', () => pauseWork())
 * if (seat.valid) doWork()
 * await seat.release()
 * ```
 */
export class SeatHandle extends EventEmitter {
  readonly scope: string
  #api: SeatApi
  #graceMs: number
  #grant: SeatGrant
  #state: SeatState = 'held'
  #ttlMs: number
  #expiresAt: number
  #nextTryAt: number
  #timer: NodeJS.Timeout | undefined
  #busy = false

  /** @internal made by `client.checkoutSeat`. */
  constructor(api: SeatApi, opts: CheckoutSeatOptions, grant: SeatGrant) {
    super()
    this.scope = opts.scope
    this.#api = api
    this.#graceMs = Math.max(0, opts.offlineGraceS ?? 0) * 1000
    this.#grant = grant
    this.#ttlMs = (grant.claims.exp - grant.claims.iat) * 1000
    this.#expiresAt = monotonicMs() + this.#ttlMs
    this.#nextTryAt = monotonicMs() + this.#ttlMs / 3
    this.#schedule()
  }

  /** The seat state. */
  get state(): SeatState {
    return this.#state
  }

  /** True while the app may use the seat (`held`, or `offline` within the grace). */
  get valid(): boolean {
    return this.#state === 'held' || this.#state === 'offline'
  }

  /** The server's lease id. */
  get leaseId(): string {
    return this.#grant.claims.sid
  }

  /** The latest signed seat lease (compact JWS). */
  get lease(): string {
    return this.#grant.lease
  }

  /** True when the seat is beyond the sold seats (allowed overage). */
  get overage(): boolean {
    return this.#grant.claims.overage
  }

  /** The server's warning at checkout (`SEATS_OVERAGE`), or null. */
  get warning(): string | null {
    return this.#grant.warning
  }

  /** Checks the seat in (best effort: an unreachable server frees it at lease expiry). */
  async release(): Promise<void> {
    if (this.#state === 'released') return
    clearTimeout(this.#timer)
    this.#set('released')
    await this.#api.checkin(this.leaseId).catch(() => undefined)
  }

  #schedule(): void {
    if (this.#state === 'released') return
    const now = monotonicMs()
    const edge = this.#state === 'held' ? this.#expiresAt : this.#expiresAt + this.#graceMs
    const at = this.#state === 'lost' ? this.#nextTryAt : Math.min(this.#nextTryAt, edge)
    this.#timer = setTimeout(() => void this.#tick(), Math.max(0, at - now) + 1)
    this.#timer.unref()
  }

  async #tick(): Promise<void> {
    if (this.#busy || this.#state === 'released') return
    this.#busy = true
    try {
      if (monotonicMs() >= this.#nextTryAt) await this.#renew()
      this.#expire()
    } finally {
      this.#busy = false
      this.#schedule()
    }
  }

  async #renew(): Promise<void> {
    const retryMs = Math.max(1000, this.#ttlMs / 10)
    try {
      let grant: SeatGrant
      try {
        grant = await this.#api.renew(this.leaseId, this.scope)
      } catch (err) {
        if (!(err instanceof SeatRefusedError && CHECK_OUT_AGAIN.has(err.serverCode ?? ''))) {
          throw err
        }
        grant = await this.#api.checkout(this.scope)
      }
      if (this.#state === 'released') return
      const sent = monotonicMs()
      this.#grant = grant
      this.#ttlMs = (grant.claims.exp - grant.claims.iat) * 1000
      this.#expiresAt = sent + this.#ttlMs
      this.#nextTryAt = sent + this.#ttlMs / 3
      this.#set('held')
      this.emit('renewed', grant.lease)
    } catch (err) {
      this.#nextTryAt = monotonicMs() + (this.#state === 'lost' ? this.#ttlMs / 3 : retryMs)
      // A refusal (full, license suspended...) ends the seat now; an outage rides on the lease.
      if (err instanceof SeatsExhaustedError || err instanceof SeatRefusedError) this.#set('lost')
    }
  }

  #expire(): void {
    const now = monotonicMs()
    if (this.#state === 'held' && now >= this.#expiresAt) {
      this.#set(now < this.#expiresAt + this.#graceMs ? 'offline' : 'lost')
    } else if (this.#state === 'offline' && now >= this.#expiresAt + this.#graceMs) {
      this.#set('lost')
    }
  }

  #set(state: SeatState): void {
    const previous = this.#state
    if (previous === state) return
    this.#state = state
    this.emit('change', state, previous)
    if (state === 'lost') this.emit('lost')
  }
}
