/** How long a deployment may stay silent: `missedHeartbeats` intervals, at least `minS`. */
export interface DeadWindow {
  missedHeartbeats: number
  minS: number
}

/** The fleet defaults (3 missed intervals, never under 2 minutes). */
export const DEFAULT_DEAD_WINDOW: DeadWindow = { missedHeartbeats: 3, minS: 120 }

/**
 * The moment a deployment last seen at `seenAt` counts as dead: `deployments.dead_after`,
 * written with every activation and heartbeat flush, so the culler reads due rows from an
 * index instead of scanning the fleet and joining each row's license policy.
 *
 * @example
 * ```ts
 * deadAfter(new Date(), 3600, DEFAULT_DEAD_WINDOW) // three hours from now
 * ```
 */
export function deadAfter(
  seenAt: Date,
  heartbeatIntervalS: number | undefined,
  window: DeadWindow,
): Date {
  const seconds = Math.max((heartbeatIntervalS ?? 3600) * window.missedHeartbeats, window.minS)
  return new Date(seenAt.getTime() + seconds * 1000)
}
