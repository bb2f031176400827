import { counterPerRegistry } from '../metrics/counter-per-registry.js'

/**
 * `tollgate_named_users_total{outcome}` of an app's registry (created once per registry):
 * `assigned`, `existing`, `refused` (USER_LIMIT_REACHED), `released`.
 *
 * @example
 * ```ts
 * namedUserCounter(app.tollgate.metrics.registry).inc({ outcome: 'assigned' })
 * ```
 */
export const namedUserCounter = counterPerRegistry({
  name: 'tollgate_named_users_total',
  help: 'Named-user assignments and releases, by outcome',
  labelNames: ['outcome'] as const,
})
