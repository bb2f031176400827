import {
  RelayRequestInvalidError,
  checkRelayRequest,
  parseRelayRequest,
  signPoolFile,
  type RelayRequest,
} from '@tollgate/license-client'
import type { AuditActor } from '../audit/audit-actor.js'
import { recordAudit } from '../audit/record-audit.js'
import type { Fleet } from '../deployments/fleet.js'
import { AppError } from '../errors/app-error.js'
import { findLicense } from '../licenses/license.repository.js'
import { newId } from '../lib/ids.js'
import { seatPolicyOf } from '../seats/seat-license.js'
import { insertSeatPool, pooledSeats } from './seat-pool.repository.js'
import { seatPoolCounter } from './seat-pool-metrics.js'
import { toSeatPoolView, type SeatPoolView } from './seat-pool.view.js'

const DAY_MS = 86_400_000
/** Default validity of a pool file, days (capped by the license's expiry). */
export const DEFAULT_POOL_DAYS = 30

/** Input of {@link createSeatPool}. */
export interface CreateSeatPoolInput {
  tenantId: string
  licenseId: string
  /** Seats the relay may hand out (taken from the license's `floating.seats`). */
  seats: number
  /** The relay request: the file's text, or its parsed JSON. */
  request: unknown
  /** Validity in days (default {@link DEFAULT_POOL_DAYS}); never past the license's expiry. */
  validDays?: number
  actor: AuditActor
}

/** Result of {@link createSeatPool}. */
export interface CreateSeatPoolResult {
  /** The pool file: a compact JWS (`tollgate-pool+jwt`) signed with the tenant's active key. */
  poolFile: string
  pool: SeatPoolView
  /** The license's floating seats, how many all unexpired pools hold now, and what stays online. */
  seats: { floating: number; pooled: number; online: number }
}

/**
 * Signs a pool file for a relay: `seats` of the license's floating seats, handed out by the
 * relay whose public key and machine the relay request names, for `validDays`. The license row
 * is locked, so concurrent pool creations never give out more than `floating.seats` in total;
 * the seats stay taken from online checkouts until the pool expires (a pool file cannot be
 * recalled from an air-gapped site, so nothing frees them earlier). The pool's lease TTL and
 * overage are the license's. Audited as `seat_pool.create`; counted in
 * `tollgate_seat_pools_total`. Errors: RELAY_REQUEST_INVALID, NOT_FOUND, FLOATING_NOT_ENABLED,
 * SEAT_LICENSE_INACTIVE, POOL_SEATS_UNAVAILABLE.
 *
 * @example
 * ```ts
 * const { poolFile } = await createSeatPool(fleet, {
 *   tenantId, licenseId, seats: 5, request: await readFile('relay-req.json', 'utf8'),
 *   validDays: 30, actor: actorFromRequest(req),
 * })
 * ```
 */
export async function createSeatPool(
  fleet: Fleet,
  input: CreateSeatPoolInput,
): Promise<CreateSeatPoolResult> {
  const counter = seatPoolCounter(fleet.ctx.metrics.registry)
  try {
    const result = await create(fleet, input)
    counter.inc({ outcome: 'created' })
    return result
  } catch (err) {
    counter.inc({ outcome: err instanceof AppError ? err.code : 'error' })
    throw err
  }
}

function parse(request: unknown): RelayRequest {
  try {
    return typeof request === 'string' ? parseRelayRequest(request) : checkRelayRequest(request)
  } catch (err) {
    if (err instanceof RelayRequestInvalidError) {
      throw new AppError('RELAY_REQUEST_INVALID', err.message)
    }
    throw err
  }
}

async function create(fleet: Fleet, input: CreateSeatPoolInput): Promise<CreateSeatPoolResult> {
  const request = parse(input.request)
  const now = fleet.now()
  const key = await fleet.signer.activeKey(input.tenantId)
  const r = await fleet.ctx.db.transaction().execute(async (trx) => {
    const license = await findLicense(trx, input.tenantId, input.licenseId, { forUpdate: true })
    if (!license) throw new AppError('NOT_FOUND', `No license ${input.licenseId}`)
    const floating = seatPolicyOf(license, now)
    const pooled = await pooledSeats(trx, input.licenseId, now)
    if (pooled + input.seats > floating.seats) {
      throw new AppError(
        'POOL_SEATS_UNAVAILABLE',
        `The license has ${floating.seats} floating seats and pools hold ${pooled}: ${input.seats} more do not fit`,
      )
    }
    let expiresAt = new Date(now.getTime() + (input.validDays ?? DEFAULT_POOL_DAYS) * DAY_MS)
    if (license.expires_at !== null && license.expires_at < expiresAt) {
      expiresAt = license.expires_at
    }
    const row = await insertSeatPool(trx, {
      id: newId('pool'),
      tenant_id: input.tenantId,
      license_id: input.licenseId,
      seats: input.seats,
      lease_ttl_s: floating.leaseTtlS,
      overage: floating.overage,
      relay_kid: request.relayKey.kid,
      relay_key: request.relayKey.x,
      machine_id: request.machineId,
      hostname: request.hostname,
      not_before: now,
      expires_at: expiresAt,
      created_by: input.actor.actor,
      created_at: now,
    })
    await recordAudit(trx, {
      tenantId: input.tenantId,
      actor: input.actor,
      action: 'seat_pool.create',
      targetType: 'seat_pool',
      targetId: row.id,
      after: toSeatPoolView(row),
      at: now,
    })
    return { row, floating, pooled: pooled + input.seats }
  })
  const poolFile = signPoolFile(
    {
      poolId: r.row.id,
      issuer: input.tenantId,
      licenseId: input.licenseId,
      seats: input.seats,
      policy: { leaseTtlS: r.floating.leaseTtlS, overage: r.floating.overage },
      request,
      issuedAt: now,
      expiresAt: r.row.expires_at,
    },
    key,
  )
  return {
    poolFile,
    pool: toSeatPoolView(r.row),
    seats: {
      floating: r.floating.seats,
      pooled: r.pooled,
      online: r.floating.seats - r.pooled,
    },
  }
}
