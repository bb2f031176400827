import { AppError } from '../errors/app-error.js'
import { Counter, type Registry } from 'prom-client'

/** Outcome labels of seat operations. */
export type SeatOutcome = 'ok' | 'overage' | 'error'

/** Seat operation counters, per app. */
export interface SeatMetrics {
  ops: Counter<'op' | 'outcome'>
}

/**
 * Registers `tollgate_seat_operations_total{op, outcome}` (op: checkout, renew, checkin,
 * release; outcome: ok, overage, or the error code) on the app's registry.
 *
 * @example
 * ```ts
 * const metrics = createSeatMetrics(app.tollgate.metrics.registry)
 * metrics.ops.inc({ op: 'checkout', outcome: 'ok' })
 * ```
 */
export function createSeatMetrics(registry: Registry): SeatMetrics {
  const ops = new Counter({
    name: 'tollgate_seat_operations_total',
    help: 'Floating seat operations by outcome (ok, overage, or the error code)',
    labelNames: ['op', 'outcome'] as const,
    registers: [registry],
  })
  return { ops }
}

/**
 * Runs a seat operation, counting its outcome (an AppError's code, bounded by the error table).
 *
 * @example
 * ```ts
 * return counted(metrics, 'renew', () => renewSeat(deps, input))
 * ```
 */
export async function counted<T>(
  metrics: SeatMetrics,
  op: string,
  fn: () => Promise<T>,
  outcome: (r: T) => string = () => 'ok',
): Promise<T> {
  try {
    const r = await fn()
    metrics.ops.inc({ op, outcome: outcome(r) })
    return r
  } catch (err) {
    // Only table codes as labels: bounded cardinality whatever was thrown.
    metrics.ops.inc({ op, outcome: err instanceof AppError ? err.code : 'error' })
    throw err
  }
}
