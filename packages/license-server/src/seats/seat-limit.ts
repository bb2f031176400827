import type { FloatingOverage, FloatingPolicy } from '@tollgate/license-client'

const FACTOR: Record<FloatingOverage, number> = {
  deny: 1,
  allow_1_25x: 1.25,
  allow_1_5x: 1.5,
  allow_2x: 2,
}

/**
 * The most leases a floating policy allows at once: `seats`, times the overage factor (rounded
 * down, never below `seats`). Leases past `seats` are overage (warning + violation).
 *
 * @example
 * ```ts
 * seatLimit({ seats: 10, leaseTtlS: 300, overage: 'allow_1_25x' }) // 12
 * ```
 */
export function seatLimit(policy: FloatingPolicy): number {
  return Math.max(policy.seats, Math.floor(policy.seats * FACTOR[policy.overage]))
}
