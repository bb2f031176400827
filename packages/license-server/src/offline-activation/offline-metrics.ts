import { counterPerRegistry } from '../metrics/counter-per-registry.js'

/** What an offline-activation call did (the counter's `outcome` label). */
export type OfflineOutcome =
  'activated' | 'reissued' | 'refused' | 'invalid' | 'deactivated' | 'deactivation_replayed'

/**
 * `tollgate_offline_activations_total{outcome}`, registered once per app registry.
 *
 * @example
 * ```ts
 * offlineCounter(app.tollgate.metrics.registry).inc({ outcome: 'activated' })
 * ```
 */
export const offlineCounter = counterPerRegistry({
  name: 'tollgate_offline_activations_total',
  help: 'Offline activations (machine files) and deactivation proofs by outcome',
  labelNames: ['outcome'] as const,
})
