import type { Db } from '../db/database.js'
import { DEFAULT_SEAT_RESET_POLICY } from './portal.config.js'

/** How often a customer may free a seat of one license from the portal. */
export interface SeatResetPolicy {
  /** Resets per license within `windowDays`; 0: customers cannot free seats themselves. */
  maxResets: number
  windowDays: number
  /** Minimum hours between two resets of one license. */
  cooldownHours: number
}

/**
 * The plan's seat-reset policy, or {@link DEFAULT_SEAT_RESET_POLICY} when the vendor set none.
 *
 * @example
 * ```ts
 * const policy = await seatResetPolicy(db, tenantId, license.plan_id)
 * ```
 */
export async function seatResetPolicy(
  db: Db,
  tenantId: string,
  planId: string,
): Promise<SeatResetPolicy & { custom: boolean }> {
  const row = await db
    .selectFrom('plan_seat_reset_policies')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('plan_id', '=', planId)
    .executeTakeFirst()
  if (!row) return { ...DEFAULT_SEAT_RESET_POLICY, custom: false }
  return {
    maxResets: row.max_resets,
    windowDays: row.window_days,
    cooldownHours: row.cooldown_hours,
    custom: true,
  }
}

/**
 * Stores the plan's seat-reset policy (replacing any earlier one).
 *
 * @example
 * ```ts
 * await saveSeatResetPolicy(trx, tenantId, planId, { maxResets: 3, windowDays: 30, cooldownHours: 24 }, now)
 * ```
 */
export async function saveSeatResetPolicy(
  db: Db,
  tenantId: string,
  planId: string,
  p: SeatResetPolicy,
  now: Date,
): Promise<void> {
  const values = {
    max_resets: p.maxResets,
    window_days: p.windowDays,
    cooldown_hours: p.cooldownHours,
  }
  await db
    .insertInto('plan_seat_reset_policies')
    .values({ plan_id: planId, tenant_id: tenantId, ...values, updated_at: now })
    .onConflict((oc) => oc.column('plan_id').doUpdateSet({ ...values, updated_at: now }))
    .execute()
}

/** Where a license stands against its reset policy. */
export interface SeatResetStanding {
  policy: SeatResetPolicy
  /** Resets within the current window. */
  used: number
  /** When the next reset is allowed; null: now. Undefined when the policy allows none. */
  nextAllowedAt: Date | null | undefined
}

/**
 * Counts the license's recent resets against the policy: the cooldown since the last reset,
 * then the number within the window (the oldest one leaving the window frees the next).
 *
 * @example
 * ```ts
 * const { nextAllowedAt } = await seatResetStanding(trx, tenantId, license, now)
 * ```
 */
export async function seatResetStanding(
  db: Db,
  tenantId: string,
  license: { id: string; plan_id: string },
  now: Date,
): Promise<SeatResetStanding> {
  const policy = await seatResetPolicy(db, tenantId, license.plan_id)
  const since = new Date(now.getTime() - policy.windowDays * 86_400_000)
  const recent = await db
    .selectFrom('portal_seat_resets')
    .select('at')
    .where('license_id', '=', license.id)
    .where('at', '>', since)
    .orderBy('at', 'desc')
    .execute()
  const used = recent.length
  if (policy.maxResets === 0) return { policy, used, nextAllowedAt: undefined }
  let next = 0
  const last = recent[0]
  if (last) next = last.at.getTime() + policy.cooldownHours * 3_600_000
  if (used >= policy.maxResets) {
    const oldestCounted = recent[policy.maxResets - 1]!
    next = Math.max(next, oldestCounted.at.getTime() + policy.windowDays * 86_400_000)
  }
  return { policy, used, nextAllowedAt: next > now.getTime() ? new Date(next) : null }
}
